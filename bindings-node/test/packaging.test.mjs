// What npm users get: error classes that work with `instanceof`, a loader that names the
// platform package it misses, and the tarballs a release publishes (the package and this
// platform's binary package), installed offline into a fresh project and required for real.
import { strict as assert } from 'node:assert'
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import * as esm from '../index.mjs'
import { caught, packageDir, repoDir } from './helpers.mjs'

const require = createRequire(import.meta.url)
const cjs = require('../index.js')
const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'))
const license = readFileSync(join(repoDir, 'LICENSE'), 'utf8')

function platformSuffix() {
  const glibc = process.report.getReport().header.glibcVersionRuntime
  return `${process.platform}-${process.arch}${process.platform === 'linux' ? (glibc ? '-gnu' : '-musl') : ''}`
}


describe('error classes', () => {
  it('errors thrown by the native functions are instances of their class, beside `code`', () => {
    for (const { TopologyError, PlanError, MongoUrlError, RenderError, Topology, MongoUrl } of [cjs, esm]) {
      const bad = caught(() => Topology.fromString('[site\n', 'toml'))
      assert.ok(bad instanceof TopologyError)
      assert.ok(bad instanceof Error)
      assert.equal(bad.code, 'TopologyError')
      assert.ok(!(bad instanceof PlanError) && !(bad instanceof RenderError))
      const url = caught(() => MongoUrl.parse('mongodb://'))
      assert.ok(url instanceof MongoUrlError)
      assert.equal(url.code, 'MongoUrlError')
      assert.ok(!(url instanceof TopologyError))
    }
    assert.equal(cjs.TopologyError, esm.TopologyError)
  })

  it('the classes can be constructed and thrown by callers too', () => {
    const e = new cjs.PlanError('refused', { cause: 'test' })
    assert.ok(e instanceof cjs.PlanError && e instanceof Error)
    assert.equal(e.code, 'PlanError')
    assert.equal(e.name, 'PlanError')
    assert.deepEqual(e.diagnostics, [])
    assert.equal(e.cause, 'test')
  })
})

describe('loader', () => {
  it('without a binary, the error names the platform package to install', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rctopo-loader-'))
    for (const f of ['index.js', 'binding.js', 'package.json']) copyFileSync(join(packageDir, f), join(dir, f))
    const script = "try { require('./index.js') } catch (e) { console.log(JSON.stringify([e.message, e.code, e.packageName, Boolean(e.cause)])) }"
    const run = spawnSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8' })
    const [message, code, packageName, hasCause] = JSON.parse(run.stdout)
    const expected = `rocketchat-topology-${platformSuffix()}`
    assert.equal(packageName, expected)
    assert.equal(code, 'ERR_RCTOPO_NO_NATIVE_BINARY')
    assert.ok(message.includes(`the optional package \`${expected}\` is not installed`), message)
    assert.ok(message.includes(`npm install ${expected}`), message)
    assert.doesNotMatch(message, /npm has a bug/)
    assert.ok(hasCause, 'the loader\'s own errors stay available as `cause`')
  })
})

describe('published tarballs', () => {
  it('one platform package per target, each limited to its os, cpu and libc', () => {
    const dirs = readdirSync(join(packageDir, 'npm')).sort()
    assert.equal(dirs.length, pkg.napi.targets.length)
    for (const d of dirs) {
      const p = JSON.parse(readFileSync(join(packageDir, 'npm', d, 'package.json'), 'utf8'))
      assert.equal(p.name, `rocketchat-topology-${d}`)
      assert.equal(p.version, pkg.version)
      assert.equal(p.main, `rocketchat-topology.${d}.node`)
      assert.ok(p.os.length === 1 && p.cpu.length === 1, d)
      assert.equal(p.license, 'Apache-2.0')
    }
  })

  it('install offline into a fresh project and load the binary from the platform package', () => {
    const work = mkdtempSync(join(tmpdir(), 'rctopo-pack-'))
    const pack = (dir) => {
      const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: dir, encoding: 'utf8' })
      return JSON.parse(out)[0]
    }
    const main = pack(packageDir)
    const mainFiles = main.files.map((f) => f.path)
    assert.ok(mainFiles.includes('LICENSE') && mainFiles.includes('binding.js'), mainFiles.join(' '))
    assert.ok(!mainFiles.some((f) => f.endsWith('.node')), 'the binary ships in the platform package')

    // What a release does per target: the built binary into npm/<platform>/, then `npm pack`.
    const suffix = platformSuffix()
    const staged = join(work, suffix)
    cpSync(join(packageDir, 'npm', suffix), staged, { recursive: true })
    copyFileSync(join(repoDir, 'LICENSE'), join(staged, 'LICENSE'))
    copyFileSync(join(packageDir, `rocketchat-topology.${suffix}.node`), join(staged, `rocketchat-topology.${suffix}.node`))
    const platform = pack(staged)
    const platformFiles = platform.files.map((f) => f.path)
    assert.ok(platformFiles.includes('LICENSE'), platformFiles.join(' '))
    assert.ok(platformFiles.includes(`rocketchat-topology.${suffix}.node`))

    const project = join(work, 'project')
    execFileSync('mkdir', ['-p', project])
    writeFileSync(join(project, 'package.json'), '{"name":"user-project","version":"1.0.0","private":true}')
    execFileSync(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', join(work, main.filename), join(work, platform.filename)],
      { cwd: project, encoding: 'utf8' },
    )
    const installed = join(project, 'node_modules', 'rocketchat-topology')
    assert.equal(readFileSync(join(installed, 'LICENSE'), 'utf8'), license)
    assert.ok(!existsSync(join(installed, `rocketchat-topology.${suffix}.node`)))
    const script = [
      "const rct = require('rocketchat-topology')",
      "const t = rct.Topology.fromString(require('fs').readFileSync(process.argv[1], 'utf8'), 'toml')",
      "try { rct.Topology.fromString('[x', 'toml') } catch (e) { if (!(e instanceof rct.TopologyError)) process.exit(3) }",
      'console.log(t.layout().instances.length)',
    ].join(';')
    const run = spawnSync(process.execPath, ['-e', script, join(repoDir, 'examples', 'howto.toml')], { cwd: project, encoding: 'utf8' })
    assert.equal(run.status, 0, run.stderr)
    assert.equal(run.stdout.trim(), '3')
  })
})
