// The generated index.d.ts against TypeScript's strict checker (the real `tsc`).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { packageDir } from './helpers.mjs'

const tsc = join(packageDir, 'node_modules', 'typescript', 'bin', 'tsc')

function compile(args) {
  const r = spawnSync(process.execPath, [tsc, ...args], { cwd: packageDir, encoding: 'utf8' })
  return { status: r.status, output: r.stdout + r.stderr }
}

describe('index.d.ts', () => {
  it('a sample deploy script type-checks under --strict', () => {
    const r = compile(['-p', 'test/types/tsconfig.json'])
    assert.equal(r.status, 0, r.output)
  })

  it('misuse does not type-check: unknown format, target or plan order, wrong field type', () => {
    const r = compile([
      '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext',
      '--target', 'es2022', 'test/types/misuse.mts',
    ])
    assert.notEqual(r.status, 0)
    assert.match(r.output, /'"xml"' is not assignable to parameter of type 'Format'/)
    assert.match(r.output, /'"iis"' is not assignable to parameter of type 'Target'/)
    assert.match(r.output, /Type 'number' is not assignable to type 'string'/)
    assert.match(r.output, /'"random"' is not assignable to type '"spread" \| "by_host" \| undefined'/)
  })

  it('declares no `any` in the public surface', () => {
    const dts = readFileSync(join(packageDir, 'index.d.ts'), 'utf8')
    const withoutComments = dts.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '')
    assert.doesNotMatch(withoutComments, /\bany\b/)
  })
})
