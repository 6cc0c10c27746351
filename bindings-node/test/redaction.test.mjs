// The redaction canary: a password given to the package must appear in no output except the
// environment files (mode 0600) that Rocket.Chat reads it from.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { checkMongoUrls, MongoUrl, plan, Topology } from 'rocketchat-topology'
import { CANARY, examplesDir, howtoObject, repoDir } from './helpers.mjs'

const ENV_FILE_MODE = 0o600

/** The how-to example with the canary in every place a secret can be written. */
function canaryTopology() {
  const text = readFileSync(join(examplesDir, 'howto.toml'), 'utf8')
    .replace('mongodb://localhost:27017/rocketchat', `mongodb://rc:${CANARY}@localhost:27017/rocketchat`)
    .replace('[mongo]\n', `[mongo]\noplog_url = "mongodb://oplog:${CANARY}@localhost:27017/local?replicaSet=rs0&authSource=admin"\n`)
    .replace('[mongo]\n', `[rocketchat.env]\nSMTP_PASSWORD = "${CANARY}"\n\n[mongo]\n`)
  return Topology.fromString(text, 'toml')
}

const assertNoCanary = (value, what) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  assert.ok(!text.includes(CANARY), `the password leaked into ${what}: ${text.slice(0, 200)}`)
}

describe('redaction canary', () => {
  const topologies = [
    ['text with the password written in', canaryTopology()],
    ['production.toml reading ${RC_MONGO_PASSWORD}', Topology.load(join(examplesDir, 'production.toml'))],
  ]

  for (const [name, t] of topologies) {
    it(`${name}: layout, check and report print secrets as ***`, () => {
      const layout = t.layout()
      assertNoCanary(layout, 'layout()')
      assertNoCanary(t.check(), 'check()')
      assertNoCanary(t.report(), 'report()')
      const mongoUrls = layout.instances.flatMap((i) => i.env.filter((e) => e.name === 'MONGO_URL'))
      assert.ok(mongoUrls.length > 0)
      for (const e of mongoUrls) assert.deepEqual([e.value, e.secret], ['***', true])
    })
  }

  it('the extra variable named like a password is a secret too', () => {
    const env = canaryTopology().layout().instances[0].env
    assert.deepEqual(env.find((e) => e.name === 'SMTP_PASSWORD'), { name: 'SMTP_PASSWORD', value: '***', secret: true })
    assert.equal(env.find((e) => e.name === 'MONGO_OPLOG_URL').value, '***')
  })

  it('errors do not carry it: a bad field next to the URL, a render refusal', () => {
    const text = readFileSync(join(examplesDir, 'howto.toml'), 'utf8')
      .replace('mongodb://localhost:27017/rocketchat', `mongodb://rc:${CANARY}@localhost:27017/rocketchat`)
    for (const broken of [text.replace('version = "7.0"', 'version = 7.0'), text.replace('cores = 4', 'cores = -4')]) {
      try {
        Topology.fromString(broken, 'toml')
        assert.fail('expected a TopologyError')
      } catch (e) {
        assert.equal(e.code, 'TopologyError')
        assertNoCanary(e.message, 'the error message')
        assertNoCanary({ ...e }, 'the error fields')
      }
    }
    const withErrors = Topology.fromString(text.replace('base_port = 3000', 'ports = [3000, 3000]'), 'toml')
    try {
      withErrors.render('all')
      assert.fail('expected a RenderError')
    } catch (e) {
      assert.equal(e.code, 'RenderError')
      assertNoCanary(e.message, 'the render error')
      assertNoCanary(e.diagnostics, 'the render error diagnostics')
    }
  })

  it('rendered files hold it only in environment files of mode 0600', () => {
    const files = canaryTopology().render('all')
    const withCanary = files.filter((f) => f.contents.includes(CANARY))
    assert.ok(withCanary.length > 0, 'the env files must carry the real MONGO_URL')
    for (const f of files) {
      if (f.mode !== ENV_FILE_MODE) assertNoCanary(f.contents, `${f.host}:${f.path}`)
    }
    for (const f of withCanary) assert.equal(f.mode, ENV_FILE_MODE, `${f.path} holds the password`)
  })
})

// Every place a secret may live, shared with the core, CLI and Python canary tests.
const placements = JSON.parse(readFileSync(join(repoDir, 'core/tests/fixtures/secret_placements.json'), 'utf8'))

function placementCases() {
  const secrets = placements.secrets.map((s) => s.replaceAll('{canary}', placements.canary))
  return placements.placements.flatMap((p) =>
    (p.simple_secrets_only ? secrets.slice(0, 1) : secrets).map((secret) => [p.field, p.value.replaceAll('{secret}', secret), p.mongo_url]),
  )
}

function withValue(field, value) {
  const topology = howtoObject()
  let at = topology
  for (const key of field.slice(0, -1)) at = at[key] ??= {}
  at[field.at(-1)] = value
  return topology
}

describe('the canary in every place a secret may live', () => {
  const canary = placements.canary
  const clean = (value, what) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value)
    assert.ok(!text.includes(canary), `the canary shows in ${what}: ${text.slice(0, 300)}`)
  }
  /** Runs `f`; a thrown error must be clean too. */
  const either = (f, what) => {
    try {
      return f()
    } catch (e) {
      clean(`${e.message} ${JSON.stringify({ ...e })}`, `${what} (thrown)`)
      return null
    }
  }

  for (const [field, value, mongoUrl] of placementCases()) {
    it(`${field.join('.')} = ${JSON.stringify(value.replaceAll(canary, 'CANARY'))}`, () => {
      const t = either(() => Topology.fromObject(withValue(field, value), { expandEnv: false }), 'fromObject')
      if (t === null) return
      clean(t.layout(), 'layout()')
      clean(t.check(), 'check()')
      clean(t.report(), 'report()')
      const files = either(() => t.render('all'), 'render') ?? []
      for (const f of files) if (f.mode & 0o077) clean(f.contents, `${f.host}:${f.path}`)
      const p = either(() => plan(null, t), 'plan')
      if (p !== null) {
        clean(p.toText(), 'plan text')
        clean(p.toJson(), 'plan JSON')
        clean(p.toShell({ ssh: true }), 'plan shell')
      }
      if (mongoUrl !== undefined) {
        const plain = 'mongodb://localhost:27017/rocketchat?replicaSet=rs0'
        const urls = mongoUrl === 'oplog' ? [plain, value] : [value]
        clean(either(() => checkMongoUrls(...urls), 'checkMongoUrls') ?? '', 'checkMongoUrls')
        const url = either(() => MongoUrl.parse(value), 'MongoUrl.parse')
        if (url !== null) clean(`${url} ${url.redacted()}`, 'MongoUrl')
      }
    })
  }

  it('fromObject reads the environment only in secret fields, and not at all with expandEnv: false', () => {
    process.env.RCT_NODE_SEK = 'l3aked-sek'
    const leaky = howtoObject()
    leaky.site.root_url = '${RCT_NODE_SEK}'
    try {
      Topology.fromObject(leaky)
      assert.fail('expected a TopologyError')
    } catch (e) {
      assert.equal(e.code, 'TopologyError')
      assert.match(e.message, /RCTOPO_ALLOW_ENV/)
      assert.ok(!`${e.message} ${JSON.stringify({ ...e })}`.includes('l3aked'))
    }
    const withMongo = howtoObject()
    withMongo.mongo.url = 'mongodb://rc:${RCT_NODE_SEK}@localhost:27017/rocketchat?replicaSet=rs0'
    const contents = Topology.fromObject(withMongo).render('systemd').map((f) => f.contents).join('\n')
    assert.ok(contents.includes('l3aked-sek'))
    // Taken as written, the `$` of `${RCT_NODE_SEK}` is what S016 refuses in an environment file.
    const literal = Topology.fromObject(withMongo, { expandEnv: false }).check()
    assert.ok(literal.some((d) => d.code === 'S016' && d.path === 'mongo.url'))
  })
})
