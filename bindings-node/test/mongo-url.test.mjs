// MongoUrl.parse and checkMongoUrls: the core's connection-string parser and M rules.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { checkMongoUrls, MongoUrl } from 'rocketchat-topology'
import { CANARY, caught, cliHas, runCli } from './helpers.mjs'
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'

const packageEntry = createRequire(import.meta.url).resolve('rocketchat-topology')

const good = `mongodb://rc:${CANARY}@db1:27017,db2:27018/rocketchat?replicaSet=rs0&authSource=admin`

describe('MongoUrl', () => {
  it('parses hosts, credentials, database and options', () => {
    const u = MongoUrl.parse(good)
    assert.equal(u.scheme, 'mongodb')
    assert.deepEqual(u.hosts, [
      { host: 'db1', port: 27017, type: 'hostname' },
      { host: 'db2', port: 27018, type: 'hostname' },
    ])
    assert.equal(u.username, 'rc')
    assert.equal(u.hasPassword, true)
    assert.equal(u.database, 'rocketchat')
    assert.equal(u.replicaSet, 'rs0')
    assert.equal(u.authDb, 'admin')
    assert.deepEqual(u.options, { authsource: 'admin', replicaset: 'rs0' })
  })

  it('never shows the password: redacted(), toString() and interpolation print ***', () => {
    const u = MongoUrl.parse(good)
    assert.equal(u.redacted(), 'mongodb://rc:***@db1:27017,db2:27018/rocketchat?authsource=admin&replicaset=rs0')
    assert.equal(`${u}`, u.redacted())
    assert.equal(String(u), u.redacted())
    for (const text of [JSON.stringify(u), JSON.stringify(u.options), u.redacted()]) assert.ok(!text.includes(CANARY))
  })

  it('a URL the driver rejects is a MongoUrlError with kind and help', () => {
    assert.throws(() => MongoUrl.parse('mongodb://'), (e) => {
      assert.ok(e instanceof Error)
      assert.equal(e.code, 'MongoUrlError')
      assert.equal(e.kind, 'syntax')
      assert.equal(typeof e.help, 'string')
      assert.ok(e.help.length > 0)
      assert.deepEqual(e.diagnostics, [])
      return true
    })
    assert.throws(() => MongoUrl.parse(`mongodb://rc:${CANARY}@db1/?replicaSett=rs0`), (e) => {
      assert.equal(e.code, 'MongoUrlError')
      assert.ok(!e.message.includes(CANARY) && !e.help.includes(CANARY))
      return true
    })
  })
})

describe('MongoUrlError of MongoUrl.parse, built lazily', () => {
  // URLs refused for their password's sake or near it.
  const refused = [
    `mongodb://rc:${CANARY}@db1:99999/rc`,
    `mongodb://rc:${CANARY}@db1/rc?replSet=rs0`,
    `mongodb://rc:${CANARY}@db1/rc?authMechanism=NOPE`,
    `mongodb://db1/rc?proxyHost=p&proxyPassword=a&${CANARY}`,
    `mongodb://db1/rc?proxyHost=p&proxyPassword=a&${CANARY}=b`,
    `mongodb://rc:${CANARY}@db1/rc?tlsCertificateKeyFilePassword=${CANARY}&readPreference=x`,
  ]
  const thrown = (url) => {
    try {
      MongoUrl.parse(url)
    } catch (e) {
      return e
    }
    assert.fail(`${url} was accepted`)
  }

  it('help is worked out on first read, then kept as a plain field', () => {
    const e = thrown('mongodb://db1/rc?replSet=rs0')
    const before = Object.getOwnPropertyDescriptor(e, 'help')
    assert.equal(typeof before.get, 'function')
    assert.equal(before.enumerable, true)
    assert.ok(e.help.startsWith('did you mean `replicaSet`?'), e.help)
    const after = Object.getOwnPropertyDescriptor(e, 'help')
    assert.equal(after.value, e.help)
    assert.equal(after.writable, true)
    e.help = 'replaced'
    assert.equal(e.help, 'replaced')
    const unread = thrown('mongodb://db1/rc?replSet=rs0')
    unread.help = 'set before any read'
    assert.equal(unread.help, 'set before any read')
  })

  it('the fields read lazily are those of the core verdict (checkMongoUrls)', () => {
    for (const url of ['mongodb://db1/rc?replSet=rs0', 'mongodb://', 'mongodb://db1:0/rc', 'mongodb://db1/rc?authMechanism=NOPE']) {
      const e = thrown(url)
      const [verdict] = checkMongoUrls(url).errors
      assert.deepEqual({ message: e.message, kind: e.kind, help: e.help }, { message: verdict.message, kind: verdict.kind, help: verdict.help })
      assert.deepEqual({ ...e }, { code: 'MongoUrlError', diagnostics: [], kind: verdict.kind, help: verdict.help })
      assert.equal(e.path, undefined)
      assert.equal(e.location, undefined)
    }
  })

  it('no field shows the password, whether read or spread', () => {
    for (const url of refused) {
      const e = thrown(url)
      const spread = JSON.stringify({ ...e })
      for (const text of [e.message, e.help, e.kind, spread, JSON.stringify(e), String(e), e.stack]) {
        assert.ok(!text.includes(CANARY), `${url}: ${text}`)
      }
    }
  })

  it('holds a stack of MongoUrl.parse and its two callers at the default limit, and follows a limit the user set', () => {
    const frames = (e) => e.stack.split('\n').filter((line) => line.startsWith('    at '))
    const limit = Error.stackTraceLimit
    const e = thrown('mongodb://')
    assert.equal(Error.stackTraceLimit, limit)
    const stack = frames(e)
    assert.equal(stack.length, 3, e.stack)
    assert.match(stack[0], /MongoUrl\.parse .*index\.js/)
    assert.match(stack[1], /thrown .*mongo-url\.test\.mjs/)
    assert.equal(limit, 10, 'the test runs at Node\'s default Error.stackTraceLimit')
    try {
      Error.stackTraceLimit = 50
      const deep = frames(thrown('mongodb://'))
      assert.ok(deep.length > 3, `a raised limit keeps more frames: ${deep.length}`)
      assert.equal(Error.stackTraceLimit, 50)
      Error.stackTraceLimit = 1
      assert.equal(frames(thrown('mongodb://')).length, 1)
      Error.stackTraceLimit = undefined
      assert.equal(thrown('mongodb://').stack, undefined)
      assert.equal(Error.stackTraceLimit, undefined)
    } finally {
      Error.stackTraceLimit = limit
    }
  })

  it('is still a MongoUrlError where Error is frozen (a hardened process)', () => {
    const script = `
      const { MongoUrl } = require(${JSON.stringify(packageEntry)})
      Object.freeze(Error)
      try { MongoUrl.parse('mongodb://') } catch (e) { console.log(e.code, Error.stackTraceLimit) }`
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' })
    assert.equal(run.status, 0, run.stderr)
    assert.equal(run.stdout.trim(), 'MongoUrlError 10')
  })

  it('is an Error of its class with the caller in its stack; parsed URLs are MongoUrls', async () => {
    const { MongoUrlError } = await import('rocketchat-topology')
    const e = thrown('mongodb://')
    assert.ok(e instanceof Error && e instanceof MongoUrlError)
    assert.match(e.stack, /mongo-url\.test\.mjs/)
    const u = MongoUrl.parse('mongodb://db1/rc')
    assert.ok(u instanceof MongoUrl)
    assert.equal(typeof u.redacted, 'function')
    assert.ok(!({} instanceof MongoUrl))
  })
})

describe('checkMongoUrls', () => {
  it('reports the missing replicaSet as a warning diagnostic', () => {
    const r = checkMongoUrls('mongodb://localhost:27017/rocketchat', null, '7.10.0')
    assert.equal(r.valid, true)
    assert.deepEqual(r.errors, [])
    const d = r.diagnostics.find((x) => x.name === 'mongo-url-no-replica-set')
    assert.equal(d.severity, 'warning')
    assert.equal(d.path, 'MONGO_URL')
  })

  it('a URL the driver rejects is reported, not thrown', () => {
    const r = checkMongoUrls('mongodb://', undefined, undefined)
    assert.equal(r.valid, false)
    assert.equal(r.errors[0].url, 'MONGO_URL')
    assert.equal(r.errors[0].kind, 'syntax')
  })

  it('checks the oplog URL too', () => {
    const r = checkMongoUrls('mongodb://db1/rocketchat?replicaSet=rs0', 'mongodb://db1/rocketchat?replicaSet=rs0', '7.10.0')
    assert.equal(r.oplog.valid, true)
    assert.ok(r.diagnostics.some((d) => d.path.startsWith('MONGO_OPLOG_URL')), JSON.stringify(r.diagnostics))
  })

  it('a rocketchatVersion that is not a version is a MongoUrlError', () => {
    assert.throws(() => checkMongoUrls('mongodb://db1/?replicaSet=rs0', null, 'seven'), {
      code: 'MongoUrlError',
      path: 'rocketchatVersion',
      message: /`seven` is not a version/,
    })
  })

  for (const [url, oplog] of [
    [good, null],
    ['mongodb://localhost:27017/rocketchat', null],
    ['mongodb+srv://rc:pw@cluster.example.com/rocketchat', 'mongodb://db1/local?replicaSet=rs0'],
    ['mongodb://db1/?replicaSett=rs0', null],
  ]) {
    it(`same report as \`rctopo mongo-url --format json\`: ${url.replace(CANARY, '***')}`, (t) => {
      if (!cliHas('mongo-url')) return t.skip('this rctopo has no mongo-url command yet')
      const args = ['mongo-url', url, '--rocketchat-version', '7.10.0', '--format', 'json']
      if (oplog) args.push('--oplog', oplog)
      const cli = runCli(args)
      const report = checkMongoUrls(url, oplog, '7.10.0')
      const passed = report.valid && !report.diagnostics.some((d) => d.severity === 'error')
      assert.equal(cli.status, passed ? 0 : 1, cli.stderr)
      // The CLI writes an absent value as null; the package leaves it out.
      assert.deepEqual(JSON.parse(JSON.stringify(report)), withoutNulls(JSON.parse(cli.stdout)))
      assert.ok(!cli.stdout.includes(CANARY))
    })
  }
})

function withoutNulls(value) {
  if (Array.isArray(value)) return value.map(withoutNulls)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]))
  }
  return value
}

describe('string arguments', () => {
  const withPassword = `mongodb://rc:${CANARY}@db1/rocketchat`

  it('refuses a value that is not a string by its type, never its content', async () => {
    const { Topology } = await import('rocketchat-topology')
    const refusals = [
      () => MongoUrl.parse(new URL(withPassword)),
      () => checkMongoUrls(new URL(withPassword)),
      () => checkMongoUrls('mongodb://db1/rc', { href: withPassword }),
      () => Topology.fromString({ mongo: { url: withPassword } }, 'toml'),
    ]
    for (const call of refusals) {
      const e = caught(call)
      assert.equal(e.code, 'StringExpected')
      assert.match(e.message, /expected a string, got an object \(for a `URL` object, pass its `href`\)/)
      assert.ok(!e.message.includes(CANARY), e.message)
    }
    assert.match(caught(() => MongoUrl.parse(42)).message, /expected a string, got a number;/)
  })

  it('reads URLs of every length whole, across the one-call buffer of 1 KiB', () => {
    const url = (user) => `mongodb://${user}@db1/rocketchat`
    const frame = Buffer.byteLength(url(''))
    // UTF-8 lengths from 1,010 to 1,030 bytes, ending in 1- to 4-byte characters.
    for (const last of ['a', '\u00e9', '\u20ac', '\u{1F600}']) {
      for (let bytes = 1010; bytes <= 1030; bytes += 1) {
        const user = 'x'.repeat(bytes - frame - Buffer.byteLength(last)) + last
        assert.equal(Buffer.byteLength(url(user)), bytes)
        assert.equal(MongoUrl.parse(url(user)).username, user)
      }
    }
    // A lone surrogate reads as U+FFFD, as Node-API writes it.
    const lone = 'x'.repeat(1020 - frame - 1) + '\ud800'
    assert.equal(MongoUrl.parse(url(lone)).username.slice(-1), '\ufffd')
  })
})
