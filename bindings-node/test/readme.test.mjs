// The JavaScript example of README.md runs as written (against the how-to topology).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'node:test'
import { examplesDir, packageDir } from './helpers.mjs'

it('the README example runs and prints what its comments say', () => {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8')
  const example = readme.match(/```js\n([\s\S]*?)```/)[1]
  const work = mkdtempSync(join(tmpdir(), 'rct-readme-'))
  // Inside the package, so `import 'rocketchat-topology'` resolves to it (self-reference).
  const script = join(packageDir, 'test', `.readme-example-${process.pid}.mjs`)
  try {
    copyFileSync(join(examplesDir, 'howto.toml'), join(work, 'topology.toml'))
    copyFileSync(join(examplesDir, 'howto.toml'), join(work, 'current.toml'))
    writeFileSync(script, example)
    const r = spawnSync(process.execPath, [script], { cwd: work, encoding: 'utf8' })
    assert.equal(r.status, 0, r.stderr)
    assert.match(r.stdout, /^app1:3000 rocketchat@3000\.service 127\.0\.0\.1$/m)
    assert.match(r.stdout, /^app1 \/etc\/rocketchat\/3000\.env 600$/m)
    assert.match(r.stdout, /^mongodb:\/\/rc:\*\*\*@db1/m)
    assert.match(r.stderr, /site\.root_url: invalid type/)
  } finally {
    rmSync(script, { force: true })
    rmSync(work, { recursive: true, force: true })
  }
})
