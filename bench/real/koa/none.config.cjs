// koa's suite without a guard: the baseline.
const { suiteConfig } = require('./base.cjs')

module.exports = suiteConfig()
