// Types of the ES module entry (index.mjs): the same names as the CommonJS entry.
import cjs = require('./index.js')

export * from './index.js'
export default cjs
