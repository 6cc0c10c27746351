// API round trips and error shapes, through the real built addon.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import * as esm from 'rocketchat-topology'
import { examplesDir, fixturesDir, howtoObject } from './helpers.mjs'

const require = createRequire(import.meta.url)
const cjs = require('rocketchat-topology')
const { Topology } = esm

const howto = join(examplesDir, 'howto.toml')

describe('module formats', () => {
  it('import and require give the same native class', () => {
    assert.equal(esm.Topology, cjs.Topology)
    assert.equal(esm.default, cjs)
  })

  it('the ES module exports every class and function the types declare', () => {
    const dts = ['../binding.d.ts', '../index.d.ts'].map((f) => readFileSync(new URL(f, import.meta.url), 'utf8')).join('\n')
    const declared = [...dts.matchAll(/^export declare (?:class|function|const) (\w+)/gm)].map((m) => m[1])
    assert.ok(declared.includes('Topology'))
    for (const name of declared) assert.notEqual(esm[name], undefined, `${name} missing from index.mjs`)
  })
})

describe('Topology', () => {
  it('loads the how-to example: one host, three instances on 3000-3002', () => {
    const t = Topology.load(howto)
    assert.equal(t.file, howto)
    const layout = t.layout()
    assert.deepEqual(layout.hosts.map((h) => [h.name, h.cores, h.runsProxy]), [['app1', 4, true]])
    assert.deepEqual(layout.instances.map((i) => i.id), ['app1:3000', 'app1:3001', 'app1:3002'])
    assert.deepEqual(layout.instances.map((i) => i.tcpPort), [4000, 4001, 4002])
    assert.equal(layout.instances[1].unit, 'rocketchat@3001.service')
    assert.equal(layout.instances[0].upstreamHost, '127.0.0.1')
    const env = Object.fromEntries(layout.instances[2].env.map((e) => [e.name, e.value]))
    assert.equal(env.PORT, '3002')
    assert.equal(env.ROOT_URL, 'https://chat.example.com')
  })

  it('gives the same layout from TOML text, YAML text, JSON text and a plain object', () => {
    const text = readFileSync(howto, 'utf8')
    const fromToml = Topology.fromString(text, 'toml')
    const object = howtoObject()
    const fromObject = Topology.fromObject(object)
    const fromJson = Topology.fromString(JSON.stringify(object), 'json')
    const fromYaml = Topology.fromString(JSON.stringify(object, null, 2), 'yaml') // JSON is YAML
    for (const t of [fromObject, fromJson, fromYaml]) {
      assert.deepEqual(t.layout(), fromToml.layout())
      assert.deepEqual(stripLocations(t.check()), stripLocations(fromToml.check()))
    }
    assert.equal(fromObject.file, null)
  })

  it('check() lists diagnostics errors first, with the file position of each', () => {
    const t = Topology.load(join(fixturesDir, 'duplicate-port.toml'))
    const diagnostics = t.check()
    const duplicate = diagnostics.find((d) => d.name === 'duplicate-port')
    assert.ok(duplicate, JSON.stringify(diagnostics))
    assert.equal(duplicate.severity, 'error')
    assert.equal(duplicate.path, 'hosts[0].ports[2]')
    assert.deepEqual(duplicate.location, { line: 22, column: 22 })
    assert.match(duplicate.help, /port/)
    assert.equal(diagnostics[0].severity, 'error')
    const report = t.report()
    assert.deepEqual(report.diagnostics, diagnostics)
    assert.equal(report.errors, diagnostics.filter((d) => d.severity === 'error').length)
    assert.equal(report.warnings, diagnostics.filter((d) => d.severity === 'warning').length)
  })

  it('jsonSchema() describes the topology file', () => {
    const schema = Topology.jsonSchema()
    assert.equal(schema.title, 'Topology')
    assert.deepEqual(schema.required, ['site', 'rocketchat', 'mongo'])
  })
})

describe('render', () => {
  it('renders the how-to: units, one 0600 env file per instance, nginx, mongod, diagram', () => {
    const files = Topology.load(howto).render('all')
    const byPath = Object.fromEntries(files.map((f) => [f.path, f]))
    for (const port of [3000, 3001, 3002]) {
      const env = byPath[`/etc/rocketchat/${port}.env`]
      assert.equal(env.host, 'app1')
      assert.equal(env.mode, 0o600)
      assert.match(env.contents, new RegExp(`^PORT="${port}"$`, 'm'))
    }
    assert.equal(byPath['/etc/systemd/system/rocketchat@.service'].mode, 0o644)
    assert.match(byPath['/etc/nginx/conf.d/rocketchat.conf'].contents, /server 127\.0\.0\.1:3002 /)
    assert.deepEqual(Topology.load(howto).render('all'), files, 'byte-identical on every call')
  })

  it('one target renders only its files; drained instances are taken out of rotation', () => {
    const t = Topology.load(howto)
    const [nginx, ...rest] = t.render('nginx', { drained: ['app1:3001'] })
    assert.deepEqual(rest, [])
    assert.match(nginx.contents, /server 127\.0\.0\.1:3001 [^\n]* down;/)
    assert.doesNotMatch(nginx.contents, /server 127\.0\.0\.1:3000 [^\n]* down;/)
    assert.deepEqual(t.render('nginx', {}), t.render('nginx'))
  })

  it('refuses a topology with check errors: RenderError carrying the error diagnostics', () => {
    const t = Topology.load(join(fixturesDir, 'duplicate-port.toml'))
    try {
      t.render('all')
      assert.fail('expected a RenderError')
    } catch (e) {
      assert.equal(e.code, 'RenderError')
      assert.match(e.message, /fix them before rendering/)
      assert.ok(e.diagnostics.length > 0)
      assert.ok(e.diagnostics.every((d) => d.severity === 'error'))
      assert.ok(e.diagnostics.some((d) => d.name === 'duplicate-port'))
    }
  })

  it('an unknown drained instance is a RenderError that shows the id format', () => {
    assert.throws(() => Topology.load(howto).render('nginx', { drained: ['app9:1'] }), {
      code: 'RenderError',
      message: /drained instance `app9:1` is not in the layout: use an id such as `app1:3001`/,
      diagnostics: [],
    })
  })
})

describe('errors', () => {
  const thrown = (fn) => {
    try {
      fn()
    } catch (e) {
      return e
    }
    assert.fail('expected an exception')
  }

  it('a wrong field type is a TopologyError naming the field, its place and the file', () => {
    const e = thrown(() => Topology.fromString('[site]\nroot_url = 1\n', 'toml'))
    assert.ok(e instanceof Error)
    assert.equal(e.code, 'TopologyError')
    assert.equal(e.path, 'site.root_url')
    assert.deepEqual(e.location, { line: 2, column: 12 })
    assert.match(e.message, /site\.root_url: invalid type: integer `1`, expected a string/)
    assert.deepEqual(e.diagnostics, [])
  })

  it('a missing section says how to fix it', () => {
    const e = thrown(() => Topology.fromObject({ site: { root_url: 'https://chat.example.com' } }))
    assert.equal(e.code, 'TopologyError')
    assert.equal(e.path, 'rocketchat')
    assert.match(e.message, /missing field `rocketchat`: add it/)
  })

  it('a typo gets a suggestion', () => {
    const e = thrown(() => Topology.fromObject({ site: { root_url: 'x', rooturl: 'y' } }))
    assert.equal(e.code, 'TopologyError')
    assert.match(e.message, /did you mean `root_url`\?/)
  })

  it('a syntax error carries its line and column', () => {
    const e = thrown(() => Topology.fromString('site:\n  root_url: [unclosed\n', 'yaml'))
    assert.equal(e.code, 'TopologyError')
    assert.match(e.message, /YAML syntax error/i)
    assert.equal(typeof e.location.line, 'number')
    assert.equal(e.path, undefined)
  })

  it('an unset ${NAME} names the variable', () => {
    delete process.env.RCT_NODE_TEST_UNSET
    const text = readFileSync(howto, 'utf8').replace('mongodb://localhost', 'mongodb://rc:${RCT_NODE_TEST_UNSET}@localhost')
    const e = thrown(() => Topology.fromString(text, 'toml'))
    assert.equal(e.code, 'TopologyError')
    assert.equal(e.path, 'mongo.url')
    assert.match(e.message, /environment variable `RCT_NODE_TEST_UNSET` is not set/)
  })

  it('a missing file and an unknown extension are TopologyErrors with the file name', () => {
    const missing = thrown(() => Topology.load('/nonexistent/topology.toml'))
    assert.equal(missing.code, 'TopologyError')
    assert.match(missing.message, /\/nonexistent\/topology\.toml: cannot read/)
    const ext = thrown(() => Topology.load(join(fixturesDir, '..', 'helpers.mjs')))
    assert.match(ext.message, /unknown file type: use a \.toml, \.yaml, \.yml or \.json extension/)
  })

  it('an argument of the wrong kind is rejected before reaching the core', () => {
    const format = thrown(() => Topology.fromString('x', 'xml'))
    assert.equal(format.code, 'InvalidArg')
    assert.match(format.message, /does not match any variant of enum `Format`/)
    const target = thrown(() => Topology.load(howto).render('iis'))
    assert.match(target.message, /does not match any variant of enum `Target`/)
    assert.throws(() => Topology.fromObject('not an object'))
    assert.throws(() => Topology.load(42))
  })
})

function stripLocations(diagnostics) {
  return diagnostics.map(({ location, ...rest }) => rest)
}
