// topology.probe() against replica sets scripted with MockupDB (tests/mockupdb/replset.py, run
// by the Python of tests/mockupdb/venv.sh): the Rust driver talks to them over real TCP while
// the event loop keeps running. Skipped when RCTOPO_MOCKUPDB_PYTHON is not set.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, it } from 'node:test'
import { Topology } from 'rocketchat-topology'
import { repoDir } from './helpers.mjs'

const python = process.env.RCTOPO_MOCKUPDB_PYTHON
const skip = python ? false : 'RCTOPO_MOCKUPDB_PYTHON is not set (tests/mockupdb/venv.sh makes one)'
const CANARY = 'c4n4ry-Pw'

/** Starts a scripted set; resolves with its topology text and a stop function. */
async function scriptedSet(scenario) {
  const child = spawn(python, [join(repoDir, 'tests', 'mockupdb', 'replset.py'), scenario], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const lines = createInterface({ input: child.stdout })
  const [line] = await once(lines, 'line')
  const { topology } = JSON.parse(line)
  return {
    topology: Topology.fromString(topology, 'toml'),
    stop: async () => {
      child.stdin.end()
      await once(child, 'exit')
    },
  }
}

const codes = (report) => report.diagnostics.map((d) => `${d.code} ${d.severity}`).sort()

describe('topology.probe()', { skip }, () => {
  it('reports a healthy set member by member', async () => {
    const set = await scriptedSet('healthy')
    try {
      const pending = set.topology.probe({ timeoutMs: 1500 })
      assert.ok(pending instanceof Promise)
      const report = await pending
      assert.equal(report.errors, 0, JSON.stringify(report))
      assert.deepEqual(report.members.map((m) => m.state), ['PRIMARY', 'SECONDARY', 'SECONDARY'])
      assert.equal(report.members[0].version, '7.0.14')
    } finally {
      await set.stop()
    }
  })

  it('describes a set with no primary', async () => {
    const set = await scriptedSet('no-primary')
    try {
      const report = await set.topology.probe({ timeoutMs: 1500 })
      assert.deepEqual([...new Set(codes(report))], ['L001 error', 'L004 error', 'L017 error', 'L007 warning'].sort())
    } finally {
      await set.stop()
    }
  })

  it('keeps the event loop running while a member never answers', async () => {
    const set = await scriptedSet('timeout')
    try {
      let ticks = 0
      const timer = setInterval(() => ticks++, 10)
      const report = await set.topology.probe({ timeoutMs: 1000 })
      clearInterval(timer)
      assert.deepEqual(codes(report), ['L001 error'])
      assert.ok(ticks > 30, `the event loop was blocked: ${ticks} ticks`)
    } finally {
      await set.stop()
    }
  })

  it('never shows the password of a failed login', async () => {
    const set = await scriptedSet('auth-failure')
    try {
      const report = await set.topology.probe({ timeoutMs: 1500 })
      assert.ok(codes(report).includes('L002 error'))
      assert.ok(!JSON.stringify(report).includes(CANARY))
    } finally {
      await set.stop()
    }
  })
})

describe('topology.probe() input errors', () => {
  const text = (url) =>
    `[site]\nroot_url = "https://chat.example.com"\n[rocketchat]\nversion = "7.10.0"\n` +
    `[mongo]\nurl = "${url}"\nversion = "7.0"\n[[hosts]]\nname = "app1"\ncores = 2\n`

  it('rejects a URL the driver refuses with a TopologyError', async () => {
    const topology = Topology.fromString(text(`mongodb://rc:${CANARY}@127.0.0.1:1/rc?w=banana&journal=maybe`), 'toml')
    await assert.rejects(topology.probe(), (e) => {
      assert.equal(e.code, 'TopologyError')
      assert.match(e.message, /mongo\.url/)
      assert.ok(!e.message.includes(CANARY))
      return true
    })
  })

  it('refuses a zero timeout', () => {
    const topology = Topology.fromString(text('mongodb://127.0.0.1:1/rc'), 'toml')
    assert.throws(() => topology.probe({ timeoutMs: 0 }), /timeoutMs/)
  })

  it('reports nothing reachable on closed ports', async () => {
    const topology = Topology.fromString(text('mongodb://127.0.0.1:1,127.0.0.1:2/rc?replicaSet=rs0'), 'toml')
    const report = await topology.probe({ timeoutMs: 2000 })
    assert.deepEqual([...new Set(codes(report))], ['L001 error'])
    assert.ok(report.members.every((m) => !m.reachable))
  })
})
