// The example deploy script (examples/node/deploy.mjs), run end to end as a user runs it:
// a separate Node process importing the package through its own package.json.
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { after, before, describe, it } from 'node:test'
import * as pkg from 'rocketchat-topology'
import { CANARY, examplesDir, repoDir } from './helpers.mjs'

const exampleDir = join(repoDir, 'examples', 'node')
const script = join(exampleDir, 'deploy.mjs')
const work = mkdtempSync(join(tmpdir(), 'rct-deploy-'))

/** Why the script cannot run yet with this build of the core, or null when it can. */
function missingFeature() {
  if (typeof pkg.plan !== 'function') return 'the package does not bind plan() yet'
  return null
}

function deploy(...args) {
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', cwd: work })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

function listFiles(dir) {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)))
    .sort()
}

before(() => {
  // The example depends on the package through `file:../../bindings-node`, as a user's project
  // depends on it from the registry.
  if (!existsSync(join(exampleDir, 'node_modules', 'rocketchat-topology'))) {
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: exampleDir, stdio: 'inherit' })
  }
})
after(() => rmSync(work, { recursive: true, force: true }))

// The script needs plan(); until the package binds it, the whole suite reports a skip.
describe('examples/node/deploy.mjs', { skip: missingFeature() ?? false }, () => {
  it('writes every rendered file per host with its mode, and prints the waves', () => {
    const out = join(work, 'howto')
    const r = deploy(join(examplesDir, 'howto.toml'), out)
    assert.equal(r.status, 0, r.stderr)
    const expected = pkg.Topology.load(join(examplesDir, 'howto.toml')).render('all')
    const written = listFiles(out)
    for (const f of expected) {
      const path = join(out, f.host, f.path)
      assert.equal(readFileSync(path, 'utf8'), f.contents, path)
      assert.equal(statSync(path).mode & 0o777, f.mode, path)
    }
    assert.deepEqual(written.filter((p) => !p.startsWith('plan')), expected.map((f) => join(f.host, f.path)).sort())
    assert.match(r.stdout, new RegExp(`wrote ${expected.length} files`))
    assert.match(r.stdout, /^wave 1 \(/m)
    const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'))
    assert.ok(plan.steps.length > 0)
    const scripts = listFiles(join(out, 'plan'))
    const app1 = scripts.find((n) => /^(\d+-)?app1\.sh$/.test(n))
    assert.ok(app1, scripts.join(' '))
    for (const name of scripts) assert.equal(statSync(join(out, 'plan', name)).mode & 0o777, 0o755, name)
    const text = readFileSync(join(out, 'plan', app1), 'utf8')
    assert.match(text, /^#!\/usr\/bin\/env bash|^#!\/bin\/bash/)
    assert.ok(!text.includes('***'), 'scripts install rendered env files, never embed redacted ones')
  })

  it('an upgrade from the current topology rolls the instances one wave at a time', () => {
    const current = join(examplesDir, 'howto.toml')
    const desired = join(work, 'upgrade.toml')
    writeFileSync(desired, readFileSync(current, 'utf8').replace('version = "7.10.0"', 'version = "7.11.0"'))
    const r = deploy(desired, join(work, 'upgrade'), '--current', current)
    assert.equal(r.status, 0, r.stderr)
    assert.match(r.stdout, /upgrade/)
    for (const id of ['app1:3000', 'app1:3001', 'app1:3002']) assert.match(r.stdout, new RegExp(`rolling\\): ${id}$`, 'm'))
  })

  it('keeps the password in environment files (0600) only', () => {
    const out = join(work, 'production')
    const r = deploy(join(examplesDir, 'production.toml'), out) // RC_MONGO_PASSWORD = CANARY
    assert.equal(r.status, 0, r.stderr)
    assert.ok(!r.stdout.includes(CANARY) && !r.stderr.includes(CANARY))
    let envFiles = 0
    for (const p of listFiles(out)) {
      const full = join(out, p)
      if (readFileSync(full, 'utf8').includes(CANARY)) {
        envFiles += 1
        assert.equal(statSync(full).mode & 0o777, 0o600, p)
      }
    }
    assert.ok(envFiles > 0)
  })

  it('stops on check errors before writing anything (exit 1)', () => {
    const out = join(work, 'broken')
    const r = deploy(join(examplesDir, 'broken.toml'), out)
    assert.equal(r.status, 1, r.stdout + r.stderr)
    assert.match(r.stdout, /^error\[[A-Z]\d{3}\] [a-z-]+: .*\n {2}--> .*broken\.toml:\d+:\d+ /m)
    assert.match(r.stderr, /error\(s\): nothing was written/)
    assert.deepEqual(listFiles(out), [])
  })

  it('an unreadable topology or bad usage exits 2 with the reason', () => {
    const missingFile = deploy(join(work, 'nope.toml'), join(work, 'x'))
    assert.equal(missingFile.status, 2)
    assert.match(missingFile.stderr, /nope\.toml: cannot read/)
    const usage = deploy()
    assert.equal(usage.status, 2)
    assert.match(usage.stderr, /usage: node deploy\.mjs TOPOLOGY OUT_DIR/)
  })
})
