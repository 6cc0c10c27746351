// Shared paths and the CLI runner for the parity tests.
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const repoDir = resolve(packageDir, '..')
export const examplesDir = join(repoDir, 'examples')
export const fixturesDir = join(packageDir, 'test', 'fixtures')

/**
 * The password the example topologies read from `${RC_MONGO_PASSWORD}`. A recognisable canary:
 * the redaction tests assert it appears nowhere but in environment files. Set here so the Node
 * package and the CLI (which inherits the environment) read the same value.
 */
export const CANARY = 'canary-Pw-9e1b7c'
process.env.RC_MONGO_PASSWORD = CANARY

/** Every example topology shipped with the project, plus this package's own fixtures. */
export function topologyFiles() {
  const examples = readdirSync(examplesDir)
    .filter((f) => f.endsWith('.toml'))
    .map((f) => join(examplesDir, f))
  const fixtures = readdirSync(fixturesDir)
    .filter((f) => /\.(toml|ya?ml|json)$/.test(f))
    .map((f) => join(fixturesDir, f))
  return [...examples, ...fixtures]
}

let rctopoPath = null

/** The rctopo binary: $RCTOPO, else the workspace's debug build (built once if missing). */
export function rctopo() {
  if (rctopoPath) return rctopoPath
  const candidate = process.env.RCTOPO ?? join(repoDir, 'target', 'debug', 'rctopo')
  if (!process.env.RCTOPO) {
    // Cheap when up to date; makes sure the CLI matches the core the addon was built from.
    execFileSync('cargo', ['build', '-q', '-p', 'rctopo'], { cwd: repoDir, stdio: 'inherit' })
  }
  if (!existsSync(candidate)) throw new Error(`rctopo not found at ${candidate}`)
  rctopoPath = candidate
  return candidate
}

/** Runs rctopo with `args`; returns { status, stdout, stderr }. */
export function runCli(args, options = {}) {
  const r = spawnSync(rctopo(), args, { encoding: 'utf8', ...options })
  if (r.error) throw r.error
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** Whether the CLI has a subcommand (`rctopo help` lists it). */
export function cliHas(command) {
  const r = runCli(['--help'])
  return new RegExp(`^\\s+${command}\\s`, 'm').test(r.stdout)
}

/** examples/howto.toml as a plain object, as a service would build it. */
export function howtoObject() {
  return {
    site: { root_url: 'https://chat.example.com' },
    rocketchat: {
      version: '7.10.0',
      bundle: '/opt/rocket.chat/bundle',
      node: '/usr/local/bin/node',
      user: 'rocketchat',
      uploads_path: '/var/lib/rocket.chat/uploads',
      tcp_base_port: 4000,
    },
    mongo: {
      url: 'mongodb://localhost:27017/rocketchat?replicaSet=rs0',
      version: '7.0',
      storage_engine: 'wiredTiger',
      replica_set: 'rs0',
      members: [{ host: 'localhost:27017' }],
    },
    proxy: {
      kind: 'nginx',
      server_name: 'chat.example.com',
      host: 'app1',
      tls: { certificate: '/etc/nginx/certificate.crt', key: '/etc/nginx/certificate.key' },
      affinity: 'cookie',
    },
    hosts: [{ name: 'app1', cores: 4, instances: 'auto', base_port: 3000 }],
  }
}

/** The error `fn` throws; fails the test when it returns. */
export function caught(fn) {
  try {
    fn()
  } catch (e) {
    return e
  }
  assert.fail('expected a throw')
}
