// The macro suite under Jest without any guard: the baseline.
const { suiteConfig } = require('./base.cjs')

module.exports = suiteConfig()
