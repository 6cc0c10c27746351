// plan(): the rollout planner through the package, against the CLI's `rctopo plan`.
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { plan, Plan, Topology } from 'rocketchat-topology'
import { CANARY, examplesDir, fixturesDir, runCli } from './helpers.mjs'

const work = mkdtempSync(join(tmpdir(), 'rct-plan-'))
after(() => rmSync(work, { recursive: true, force: true }))

const howtoPath = join(examplesDir, 'howto.toml')
const upgradePath = join(work, 'upgrade.toml')
writeFileSync(upgradePath, readFileSync(howtoPath, 'utf8').replace('version = "7.10.0"', 'version = "7.11.0"'))
const current = Topology.load(howtoPath)
const desired = Topology.load(upgradePath)

describe('plan', () => {
  it('an upgrade rolls one instance per wave, draining and health-checking each', () => {
    const p = plan(current, desired)
    assert.ok(p instanceof Plan)
    const { summary } = p
    assert.deepEqual(summary.changes, ['upgrade'])
    assert.equal(summary.fromVersion, '7.10.0')
    assert.equal(summary.toVersion, '7.11.0')
    assert.equal(summary.instancesBefore, 3)
    assert.equal(summary.restartWaves, 3)
    assert.equal(summary.minServing, 2)
    const rolling = summary.waves.filter((w) => w.kind === 'rolling')
    assert.deepEqual(rolling.map((w) => w.instances), [['app1:3000'], ['app1:3001'], ['app1:3002']])
    // A restore shared by every wave from the leader's on is written once, in the leader's wave.
    const byNumber = new Map(summary.waves.map((w) => [w.wave, w]))
    const rollbackOf = (w) => (w.rollbackSameAs === undefined ? w : byNumber.get(w.rollbackSameAs)).rollback
    assert.ok(rolling.every((w) => rollbackOf(w).length > 0))
    assert.deepEqual(rolling.map((w) => w.rollbackSameAs), [undefined, rolling[0].wave, rolling[0].wave])
    const first = p.steps.filter((s) => s.wave === rolling[0].wave).map((s) => s.action.kind)
    assert.ok(first.indexOf('proxy_remove') < first.indexOf('stop_unit'), first.join(' '))
    assert.ok(first.indexOf('start_unit') < first.indexOf('wait_healthy'), first.join(' '))
    // nginx reloads once a wave: app1:3000 rejoins, healthy, in the next wave's one reload.
    assert.ok(!first.includes('proxy_add'), first.join(' '))
    const second = p.steps.filter((s) => s.wave === rolling[1].wave).map((s) => s.action)
    const rejoin = second.findIndex((a) => a.kind === 'proxy_add' && a.instance === 'app1:3000')
    const reloads = second.filter((a) => a.kind === 'proxy_reload').length
    assert.ok(rejoin === 0 && reloads === 1, second.map((a) => a.kind).join(' '))
    const health = p.steps.find((s) => s.action.kind === 'wait_healthy').action
    assert.equal(health.instance, 'app1:3000')
    assert.match(health.url, /^http:\/\/127\.0\.0\.1:3000\//)
    assert.equal(typeof health.deadlineSeconds, 'number')
    assert.equal(health.expectVersion, '7.11.0')
    assert.equal(summary.leader, 'app1:3000')
    assert.ok(rolling.every((w) => w.rollbackKind === 'restore'), rolling.map((w) => w.rollbackKind).join(' '))
    const stage = p.steps.find((s) => s.action.kind === 'stage_release').action
    assert.equal(stage.url, 'https://releases.rocket.chat/7.11.0/download')
    const noBackup = plan(current, desired, { backup: false })
    assert.ok(noBackup.summary.notes.some((n) => n.startsWith('no backup')))
    assert.ok(noBackup.summary.waves.some((w) => w.rollbackKind === 'refused'))
  })

  it('a fresh install (no current topology) starts every instance', () => {
    const p = plan(null, desired)
    assert.ok(p.summary.changes.includes('install'), p.summary.changes.join(','))
    assert.equal(p.summary.instancesBefore, 0)
    assert.equal(p.summary.instancesAfter, 3)
    const writes = p.steps.filter((s) => s.action.kind === 'write_file')
    assert.ok(writes.some((s) => s.action.path === '/etc/rocketchat/3000.env' && s.action.mode === 0o600))
    assert.ok(writes.every((s) => s.action.source.side === 'desired'))
  })

  it('the policy is read field by field: a budget of 2 restarts two instances per wave', () => {
    const p = plan(current, desired, { maxUnavailable: 2, health: { deadlineSeconds: 600 } })
    assert.equal(p.summary.maxUnavailable, 2)
    assert.deepEqual(p.summary.waves.filter((w) => w.kind === 'rolling').map((w) => w.instances.length), [2, 1])
    assert.ok(p.steps.filter((s) => s.action.kind === 'wait_healthy').every((s) => s.action.deadlineSeconds === 600))
    assert.equal(plan(current, desired, { maxUnavailable: '100%' }).summary.restartWaves, 1)
  })

  it('a bad policy is a PlanError naming the field', () => {
    assert.throws(() => plan(current, desired, { maxUnavailable: 'most' }), {
      code: 'PlanError',
      message: /^policy\.max_unavailable: `most` is not a budget/,
    })
    assert.throws(() => plan(current, desired, { maxUnavailable: 0 }), {
      code: 'PlanError',
      message: /max_unavailable and max_surge are both 0/,
    })
    assert.throws(() => plan(current, desired, { health: { intervalSeconds: 0 } }), {
      code: 'PlanError',
      message: /policy\.health\.interval_seconds: must be at least 1/,
    })
    assert.throws(() => plan(current, desired).toShell({ commands: { nginx: 3 } }), {
      code: 'PlanError',
      message: /^commands\.nginx: /,
    })
  })

  it('a desired topology with errors is refused with its error diagnostics', () => {
    const broken = Topology.load(join(fixturesDir, 'duplicate-port.toml'))
    assert.throws(() => plan(null, broken), (e) => {
      assert.equal(e.code, 'PlanError')
      assert.match(e.message, /fix them first/)
      assert.ok(e.diagnostics.some((d) => d.name === 'duplicate-port' && d.severity === 'error'))
      return true
    })
  })
})

describe('plan parity with `rctopo plan`', () => {
  const args = ['plan', '--from', howtoPath, '--to', upgradePath, '--max-unavailable', '1']
  const p = plan(current, desired, { maxUnavailable: 1 })

  it('toJson() is the CLI JSON, byte for byte', () => {
    const cli = runCli([...args, '--format', 'json'])
    assert.equal(cli.status, 0, cli.stderr)
    assert.equal(p.toJson() + '\n', cli.stdout)
    assert.deepEqual(JSON.parse(p.toJson()).steps.map((s) => s.description), p.steps.map((s) => s.description))
  })

  it('toText() is the CLI text', () => {
    const cli = runCli([...args, '--format', 'text'])
    assert.equal(cli.status, 0, cli.stderr)
    assert.equal(p.toText(), cli.stdout)
  })

  it('toShell() gives the scripts the CLI writes with --out', () => {
    const out = join(work, 'shell')
    const cli = runCli([...args, '--format', 'shell', '--out', out])
    assert.equal(cli.status, 0, cli.stderr)
    const scripts = p.toShell()
    assert.deepEqual(scripts.map((s) => s.name).sort(), readdirSync(out).sort())
    for (const s of scripts) assert.equal(s.text, readFileSync(join(out, s.name), 'utf8'), s.name)
    assert.ok(scripts.some((s) => s.rollback) && scripts.some((s) => !s.rollback && s.host === 'app1'))
    const ssh = p.toShell({ ssh: true }).filter((s) => !s.rollback)
    assert.equal(ssh.length, 1)
    assert.equal(ssh[0].host, undefined)
  })
})

describe('plan redaction', () => {
  it('no plan output carries the MongoDB password', () => {
    const prod = Topology.load(join(examplesDir, 'production.toml')) // RC_MONGO_PASSWORD = CANARY
    const p = plan(null, prod)
    for (const [what, text] of [
      ['steps', JSON.stringify(p.steps)],
      ['summary', JSON.stringify(p.summary)],
      ['toJson()', p.toJson()],
      ['toText()', p.toText()],
      ['toShell()', JSON.stringify(p.toShell())],
    ]) {
      assert.ok(!text.includes(CANARY), `the password leaked into ${what}`)
    }
  })
})
