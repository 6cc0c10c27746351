// A Rust panic must never abort Node: every exported function is compiled with napi's
// `catch_unwind`, which turns a panic into a thrown JavaScript Error. No input reaches a panic
// in the core (that is the point), so this checks the guard is present on every export.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { it } from 'node:test'
import { packageDir } from './helpers.mjs'

it('every #[napi] function and method is compiled with catch_unwind', () => {
  const srcDir = join(packageDir, 'src')
  let functions = 0
  for (const file of readdirSync(srcDir).filter((f) => f.endsWith('.rs'))) {
    const text = readFileSync(join(srcDir, file), 'utf8')
    // An attribute followed (after doc comments and other attributes) by a fn item.
    for (const m of text.matchAll(/#\[napi(\([^\]]*\))?\]\s*(?:#\[[^\]]*\]\s*)*pub fn (\w+)/g)) {
      functions += 1
      assert.match(m[1] ?? '', /catch_unwind/, `${file}: fn ${m[2]} lacks #[napi(catch_unwind)]`)
    }
  }
  assert.ok(functions >= 8, `found only ${functions} exported functions`)
})
