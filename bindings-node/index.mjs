// ES module entry: the same native binding as `require('rocketchat-topology')`, with named
// exports. Types come from index.d.ts (package.json "exports" -> "types").
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const binding = require('./index.js')

export const { Topology, Plan, plan, MongoUrl, checkMongoUrls, __napiBindingTarget } = binding
export default binding
