// The Node package and the rctopo CLI are two front ends of one core: for every example
// topology they must report the same diagnostics and render the same bytes.
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, relative } from 'node:path'
import { describe, it } from 'node:test'
import { Topology } from 'rocketchat-topology'
import { cliHas, runCli, topologyFiles } from './helpers.mjs'

const files = topologyFiles()

describe('check parity with `rctopo check --format json`', () => {
  it('covers at least the how-to example and a topology with errors', () => {
    assert.ok(files.some((f) => basename(f) === 'howto.toml'))
    assert.ok(files.some((f) => Topology.load(f).report().errors > 0))
  })

  for (const file of files) {
    it(basename(file), () => {
      const cli = runCli(['check', file, '--format', 'json'])
      const report = Topology.load(file).report()
      assert.equal(cli.status, report.errors > 0 ? 1 : 0, cli.stderr)
      // JSON round trip: the CLI omits an absent location, as JSON.stringify does.
      assert.deepEqual(JSON.parse(JSON.stringify(report)), JSON.parse(cli.stdout))
    })
  }
})

describe('render parity with `rctopo render --out DIR`', () => {
  const renderable = files.filter((f) => Topology.load(f).report().errors === 0)

  for (const file of renderable) {
    it(basename(file), (t) => {
      if (!cliHas('render')) return t.skip('this rctopo has no render command yet')
      const out = mkdtempSync(join(tmpdir(), 'rct-parity-'))
      try {
        const cli = runCli(['render', file, '--target', 'all', '--out', out])
        assert.equal(cli.status, 0, cli.stderr)
        const rendered = Topology.load(file).render('all')
        assert.ok(rendered.length > 0)
        const written = listFiles(out)
        assert.equal(written.length, rendered.length, `CLI wrote ${written.join(', ')}`)
        for (const f of rendered) {
          const onDisk = join(out, f.host, f.path)
          assert.equal(readFileSync(onDisk, 'utf8'), f.contents, `${f.host}${f.path}`)
          assert.equal(statSync(onDisk).mode & 0o777, f.mode, `${f.host}${f.path} mode`)
        }
      } finally {
        rmSync(out, { recursive: true, force: true })
      }
    })
  }
})

function listFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)))
}
