// Side-by-side timings: the same work through the Node package (in process) and through the
// rctopo CLI (one process per call, as a deploy script shelling out would do). Not a test:
// run it by hand (`npm run bench`) after `npm run build` and `cargo build --release -p rctopo`.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { plan, Topology } from 'rocketchat-topology'
import { examplesDir, repoDir } from '../test/helpers.mjs'

const ITERATIONS = 200
const CLI_ITERATIONS = 20

/** Median wall time of `fn` in microseconds over `n` runs (after a few warm-up runs). */
function median(fn, n) {
  for (let i = 0; i < 3; i += 1) fn()
  const times = []
  for (let i = 0; i < n; i += 1) {
    const start = process.hrtime.bigint()
    fn()
    times.push(Number(process.hrtime.bigint() - start) / 1000)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]
}

const rctopo = [join(repoDir, 'target', 'release', 'rctopo'), join(repoDir, 'target', 'debug', 'rctopo')].find(existsSync)

const rows = []
for (const name of ['howto.toml', 'production.toml']) {
  const file = join(examplesDir, name)
  const text = readFileSync(file, 'utf8')
  const topology = Topology.load(file)
  rows.push([name, 'Topology.load', median(() => Topology.load(file), ITERATIONS)])
  rows.push([name, 'Topology.fromString', median(() => Topology.fromString(text, 'toml'), ITERATIONS)])
  rows.push([name, 'layout()', median(() => topology.layout(), ITERATIONS)])
  rows.push([name, 'check()', median(() => topology.check(), ITERATIONS)])
  rows.push([name, 'load + check', median(() => Topology.load(file).check(), ITERATIONS)])
  rows.push([name, "render('all')", median(() => topology.render('all'), ITERATIONS)])
  rows.push([name, 'plan(null, t) (fresh install)', median(() => plan(null, topology), ITERATIONS)])
  if (rctopo) {
    const cli = () => spawnSync(rctopo, ['check', file, '--format', 'json'], { encoding: 'utf8' })
    rows.push([name, `${rctopo.includes('release') ? 'release' : 'debug'} rctopo check (process)`, median(cli, CLI_ITERATIONS)])
  }
}

console.log('topology           operation                            median µs')
for (const [file, op, us] of rows) console.log(`${file.padEnd(18)} ${op.padEnd(36)} ${us.toFixed(1).padStart(10)}`)
