// ES module entry: the same native binding and error classes as `require('rocketchat-topology')`,
// with named exports. Types come from index.d.mts (package.json "exports" -> "import" -> "types").
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const cjs = require('./index.js')

export const {
  Topology,
  Plan,
  plan,
  MongoUrl,
  checkMongoUrls,
  TopologyError,
  RenderError,
  PlanError,
  MongoUrlError,
  __napiBindingTarget,
} = cjs
export default cjs
