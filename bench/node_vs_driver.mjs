// MongoDB URL parsing, side by side: this package's `MongoUrl.parse` against the Node driver
// Rocket.Chat runs (`new MongoClient(url)`, which parses and validates without connecting) and
// against `mongodb-connection-string-url` (the driver's own URL splitter), on the same corpus
// (bench/urls.jsonl, the generated parity corpus). Prints microseconds per URL, for accepted and
// rejected URLs apart, and the ratios.
//
//   (cd bindings-node && npm ci && npm run build)
//   (cd tests/mongo-driver-oracle && npm ci)
//   node bench/node_vs_driver.mjs [rounds]
//
// Each figure is the best of `rounds` (default 9) passes over the corpus, one process.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, '..')
const require = createRequire(join(repo, 'tests', 'mongo-driver-oracle', 'package.json'))
const { MongoClient } = require('mongodb')
const ConnectionString = require('mongodb-connection-string-url').default
const { MongoUrl } = createRequire(join(repo, 'bindings-node', 'package.json'))('./index.js')

// The driver warns about deprecated options on stderr; printing those would flood the output and
// count terminal writes against the driver.
process.removeAllListeners('warning')

const rounds = Number(process.argv[2] ?? 9)
const urls = readFileSync(join(here, 'urls.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line))
  .filter((u) => !u.toLowerCase().startsWith('mongodb+srv'))

const attempt = (fn) => (url) => {
  try {
    fn(url)
    return true
  } catch {
    return false
  }
}
const ours = attempt((url) => MongoUrl.parse(url))
const driver = attempt((url) => new MongoClient(url))
const splitter = attempt((url) => new ConnectionString(url))

/** Best microseconds per URL over `rounds` passes. */
function perUrl (parse, subset) {
  let best = Infinity
  for (let r = 0; r < rounds; r += 1) {
    const start = process.hrtime.bigint()
    for (const url of subset) parse(url)
    best = Math.min(best, Number(process.hrtime.bigint() - start))
  }
  return best / subset.length / 1000
}

const accepted = urls.filter(ours)
const rejected = urls.filter((u) => !ours(u))
console.log(`${urls.length} URLs (non-SRV) from urls.jsonl: ${accepted.length} accepted, ${rejected.length} rejected by rocketchat-topology`)
console.log('set       ours us/URL  driver us/URL  ratio  c-s-url us/URL  ratio')
for (const [name, subset] of [['all', urls], ['accepted', accepted], ['rejected', rejected]]) {
  const a = perUrl(ours, subset)
  const b = perUrl(driver, subset)
  const c = perUrl(splitter, subset)
  console.log(`${name.padEnd(9)} ${a.toFixed(2).padStart(11)} ${b.toFixed(2).padStart(14)} ${(b / a).toFixed(1).padStart(5)}x ${c.toFixed(2).padStart(15)} ${(c / a).toFixed(1).padStart(5)}x`)
}
