// Compiled with `tsc --noEmit --strict` against the generated index.d.ts: a deploy script's
// everyday use of the package must type-check without casts to `any`.
import {
  MongoUrl,
  Plan,
  Topology,
  checkMongoUrls,
  plan,
  type PolicyInput,
  type ProbeReport,
  type UrlReport,
  type CheckReport,
  type Diagnostic,
  type ErrorDetails,
  type Format,
  type Instance,
  type Layout,
  type RenderedFile,
  type Severity,
  type Target,
} from 'rocketchat-topology'

const format: Format = 'toml'
const topology: Topology = Topology.fromString('[site]\nroot_url = "https://chat.example.com"\n', format)
const fromFile: Topology = Topology.load('examples/howto.toml')
const fromObject: Topology = Topology.fromObject({ site: { root_url: 'https://chat.example.com' } })
const file: string | null = fromFile.file

const layout: Layout = topology.layout()
const ports: number[] = layout.instances.map((i: Instance) => i.port)
const secretNames: string[] = layout.instances.flatMap((i) => i.env.filter((e) => e.secret).map((e) => e.name))
const address: string | undefined = layout.hosts[0]?.address

const diagnostics: Diagnostic[] = topology.check()
const worst: Severity | undefined = diagnostics[0]?.severity
const line: number | undefined = diagnostics[0]?.location?.line
const report: CheckReport = fromObject.report()
const failed: boolean = report.errors > 0

const target: Target = 'nginx'
const files: RenderedFile[] = topology.render(target)
const envFiles: string[] = files.filter((f) => f.mode === 0o600).map((f) => `${f.host}:${f.path}`)

try {
  Topology.fromString('x = 1', 'yaml')
} catch (e) {
  const err = e as Error & ErrorDetails
  const code: 'TopologyError' | 'RenderError' | 'PlanError' | 'MongoUrlError' = err.code
  const where: string | undefined = err.path
  const findings: Diagnostic[] = err.diagnostics
  void [code, where, findings, err.message]
}

const schema: Record<string, unknown> = Topology.jsonSchema()

const policy: PolicyInput = { maxUnavailable: '25%', maxSurge: 1, health: { deadlineSeconds: 600 }, order: 'by_host' }
const rollout: Plan = plan(null, topology, policy)
const upgrade: Plan = plan(fromFile, topology)
const waveKinds: string[] = rollout.summary.waves.map((w) => `${w.wave} ${w.kind} ${w.instances.join(',')}`)
const healthUrls: string[] = upgrade.steps.flatMap((s) => (s.action.kind === 'wait_healthy' && s.action.url ? [s.action.url] : []))
const scripts: string[] = rollout.toShell({ ssh: true }).map((s) => `${s.name}: ${s.text.length}`)
const json: string = rollout.toJson()

const url: MongoUrl = MongoUrl.parse('mongodb://db1/rocketchat?replicaSet=rs0')
const hostNames: string[] = url.hosts.map((h) => `${h.host}:${h.port ?? ''} (${h.type})`)
const urlReport: UrlReport = checkMongoUrls('mongodb://db1/rocketchat', null, '7.10.0')
const urlOk: boolean = urlReport.valid && urlReport.errors.length === 0

// The live probe resolves later; a deploy script awaits it.
const probing: Promise<ProbeReport> = topology.probe({ timeoutMs: 2000 })
const reachable: Promise<string[]> = probing.then((r) => r.members.filter((m) => m.reachable).map((m) => `${m.host} ${m.state ?? ''} ${m.version ?? ''}`))

void [probing, reachable, file, ports, secretNames, address, worst, line, failed, envFiles, schema, waveKinds, healthUrls, scripts, json, hostNames, urlOk]
