#!/usr/bin/env node
// The `leakgate` command. A source file rather than the build output itself, so that npm links
// the bin even in a fresh checkout of the repository, where dist/ is built after install.
import '../dist/cli.mjs'
