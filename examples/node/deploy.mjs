#!/usr/bin/env node
// A deploy script built on the `rocketchat-topology` package; copy it and adapt it.
//
//   node deploy.mjs TOPOLOGY OUT_DIR [--current CURRENT_TOPOLOGY] [--max-unavailable N|P%] [--max-surge N|P%]
//
// 1. loads the desired topology and stops on check errors (exit 1);
// 2. writes every rendered file to OUT_DIR/<host>/<install path> with its mode
//    (environment files, which hold the MongoDB password, are 0600);
// 3. plans the rollout from CURRENT_TOPOLOGY (or a fresh install) and prints its waves,
//    then saves the plan as OUT_DIR/plan.json and its bash scripts (one per machine, plus
//    one rollback script per wave) under OUT_DIR/plan/.
// Exit codes: 0 done, 1 the topology has errors, 2 unusable input.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve, sep } from 'node:path'
import { parseArgs } from 'node:util'
import { Topology, plan } from 'rocketchat-topology'

const USAGE = 'usage: node deploy.mjs TOPOLOGY OUT_DIR [--current FILE] [--max-unavailable N|P%] [--max-surge N|P%]'

function main() {
  const args = parseArguments()
  const desired = load(args.topology)
  const current = args.current ? load(args.current) : null

  if (!checkPasses(desired)) return 1

  const outDir = resolve(args.outDir)
  const files = desired.render('all')
  for (const file of files) writeRendered(outDir, file)
  console.log(`wrote ${files.length} files under ${outDir}`)

  let rollout
  try {
    rollout = plan(current, desired, { maxUnavailable: args.maxUnavailable, maxSurge: args.maxSurge })
  } catch (e) {
    if (e.code !== 'PlanError') throw e
    console.error(`deploy: the planner refused: ${e.message}`)
    return 1
  }
  printWaves(rollout)
  writeFileSync(join(outDir, 'plan.json'), rollout.toJson() + '\n')
  mkdirSync(join(outDir, 'plan'), { recursive: true })
  for (const script of rollout.toShell()) {
    const path = join(outDir, 'plan', script.name)
    writeFileSync(path, script.text, { mode: 0o755 })
    chmodSync(path, 0o755)
  }
  console.log(`plan saved: ${join(outDir, 'plan.json')}, scripts in ${join(outDir, 'plan')}/`)
  return 0
}

function parseArguments() {
  let parsed
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        current: { type: 'string' },
        'max-unavailable': { type: 'string' },
        'max-surge': { type: 'string' },
      },
    })
  } catch (e) {
    fail(`${e.message}\n${USAGE}`)
  }
  const [topology, outDir, ...extra] = parsed.positionals
  if (!topology || !outDir || extra.length > 0) fail(USAGE)
  return {
    topology,
    outDir,
    current: parsed.values.current,
    maxUnavailable: parsed.values['max-unavailable'],
    maxSurge: parsed.values['max-surge'],
  }
}

/** Loads a topology file; a TopologyError names the file, line, column and field. */
function load(path) {
  try {
    return Topology.load(path)
  } catch (e) {
    fail(e.message)
  }
}

/** Prints every diagnostic; true when none is an error. */
function checkPasses(topology) {
  const diagnostics = topology.check()
  for (const d of diagnostics) {
    const where = d.location ? `${topology.file}:${d.location.line}:${d.location.column}` : topology.file
    console.log(`${d.severity}[${d.code}] ${d.name}: ${d.message}\n  --> ${where} (${d.path})\n  = help: ${d.help}`)
  }
  const errors = diagnostics.filter((d) => d.severity === 'error').length
  if (errors > 0) console.error(`${errors} error(s): nothing was written`)
  return errors === 0
}

/** Writes one rendered file under outDir/<host>/, refusing anything that would leave outDir. */
function writeRendered(outDir, file) {
  const target = resolve(outDir, file.host, `.${sep}${file.path}`)
  if (!target.startsWith(outDir + sep)) fail(`refusing to write ${file.path} for ${file.host} outside ${outDir}`)
  mkdirSync(dirname(target), { recursive: true })
  writeFileSync(target, file.contents, { mode: file.mode })
  chmodSync(target, file.mode) // the umask may have narrowed the mode given at creation
}

function printWaves(rollout) {
  const { summary } = rollout
  console.log(`plan: ${summary.changes.join(', ') || 'no change'}; ${summary.waves.length} wave(s), about ${summary.estimatedSeconds} s`)
  for (const wave of summary.waves) {
    const instances = wave.instances.length > 0 ? `: ${wave.instances.join(', ')}` : ''
    console.log(`wave ${wave.wave} (${wave.kind})${instances}`)
    for (const step of rollout.steps.filter((s) => s.wave === wave.wave)) {
      console.log(`  ${step.id}. [${step.host}] ${step.description}`)
    }
  }
}

function fail(message) {
  console.error(`deploy: ${message}`)
  process.exit(2)
}

process.exitCode = main()
