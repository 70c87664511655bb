import { docsUrl } from '../links.js'
import { VERSION } from '../version.js'

// The --help texts. Kept next to each other so they read as one manual; docs/cli.md repeats them.

export const MAIN_HELP = `leakgate ${VERSION}: the CI gate for leakgate's audit events

Usage:
  leakgate report [files...]     merge reports, print the verdict, exit 1 on new violations
  leakgate baseline [files...]   record today's violations as known (leakgate-baseline.json)
  leakgate doctor                check the setup of this project and prove the guard works here
  leakgate init                  add leakgate to this project's Vitest, Jest or Mocha config (report mode)

Options:
  -h, --help       help for leakgate or a command (leakgate report --help)
  -v, --version    print the version

Exit codes:
  0  no new violations (or the command succeeded)
  1  new violations (report), or a failed probe (doctor)
  2  usage error, or a report/baseline file that is missing, cut short or not leakgate's

Docs: ${docsUrl('cli.md')}
`

export const REPORT_HELP = `Usage: leakgate report [files...] [options]

Merges leakgate reports (shards, Vitest and Jest side by side), prints a summary by category and
package, and exits 1 when a violation is not in the baseline.

Arguments:
  files                   report files or globs (default: leakgate-report.json and
                          leakgate-report.*.json, the per-shard files, in this directory)

Options:
  -f, --format <name>     text (default), json, markdown, github, junit, sarif
  -o, --output <file>     write the output there; stdout then gets the one-line verdict
  -b, --baseline <file>   known leaks (default: leakgate-baseline.json when it exists)
      --no-baseline       ignore leakgate-baseline.json: every violation is new
      --fail-on-stale     also exit 1 when baseline entries no longer occur
      --allow-missing-shards
                          gate the shards given alone (a per-shard job); without it, a
                          sharded run whose other shards' reports are missing is incomplete
      --workspace <dir>   repository root for paths in github/sarif output (default: cwd)
      --details           text: list everything one by one (every table row, every
                          violation and test, every allowed event); --verbose too
  -h, --help              this help

Formats:
  text      summary for a terminal; coloured on a TTY unless NO_COLOR is set
  json      the merged report (report-schema.json) plus the verdict ("gate", "status")
  markdown  tables for a pull-request comment
  github    ::error annotations at call sites, the text summary in a group, and a job
            summary appended to $GITHUB_STEP_SUMMARY when it is set
  junit     JUnit XML: a testsuite per test file, a failure per test with new violations
  sarif     SARIF 2.1.0 for code scanning; fingerprints survive line moves

Exit codes: 0 no new violations, 1 new violations, a run the guard did not see to its end or a
shard without a report (or stale entries with --fail-on-stale), 2 usage error or unreadable input.

Examples:
  leakgate report
  leakgate report shard-*/leakgate-report.json --format github
  leakgate report --format sarif --output leakgate.sarif
`

export const BASELINE_HELP = `Usage: leakgate baseline [files...] [options]

Writes the violations of the given reports to the baseline, so \`leakgate report\` fails only on
new ones. Entries are keyed by category, target, test file, test name and package: moving
lines does not change them. Notes you add to entries ("note") are kept.

Arguments:
  files                   report files or globs (default: leakgate-report.json and
                          leakgate-report.*.json, the per-shard files, in this directory)

Options:
  -o, --output <file>     the baseline to update (default: leakgate-baseline.json)
      --prune             only remove entries that no longer occur; never add one
      --dry-run           print what would change; write nothing
  -h, --help              this help

Without --prune the baseline becomes exactly today's violations (entries of test files these
reports did not run, e.g. another shard's, are kept). With --prune, new violations are not
added: safe to run in CI or on a branch after fixing leaks.

Exit codes: 0 written, 2 usage error or unreadable input.

Examples:
  leakgate baseline                      # adopt leakgate: accept what leaks today
  leakgate baseline --prune              # after fixing leaks: shrink the baseline
`

export const DOCTOR_HELP = `Usage: leakgate doctor [options]

Says what is installed and configured in this project (Node, @leakgate/* packages, Vitest and
Jest versions and configs, report and baseline files), then proves the guard works here: a
probe process must see eval, exec and a connection to 127.0.0.2 blocked, and each configured
framework runs a one-test probe that must fail on a swallowed violation. Nothing leaves this
machine: the only connection attempted is to a loopback address, and it is blocked first.

Options:
      --dir <path>        the project (default: the current directory)
      --no-probe          only inspect; run nothing
      --json              print the findings as JSON
  -h, --help              this help

Exit codes: 0 all checks passed, 1 a probe failed or a check found a problem, 2 usage error.
`

export const INIT_HELP = `Usage: leakgate init [options]

Finds Vitest, Jest and Mocha in this project and adds leakgate to each config in report mode
(leaks are recorded in leakgate-report.json; no test fails yet): the Vitest plugin in
\`plugins\`, for Jest the environment, its options and the reporter, for Mocha the plugin in
\`require\` and its options (a new .mocharc.cjs when there is no Mocha config). For node:test
it prints the flag to add to its command (it edits no script). A config that already has leakgate is left as it is; one leakgate
cannot edit safely (a shape it does not recognise) is never touched: the lines to add are
printed instead. Then it prints the next steps.

Options:
      --dry-run           show the changes as a diff; write nothing
      --ci <github|generic>
                          github: also write .github/workflows/leakgate.yml (tests, then the
                          gate); generic: print the gate commands for another CI
      --dir <path>        the project (default: the current directory)
  -h, --help              this help

Exit codes: 0 set up (or already was), 1 something needs a hand (a config left alone, an adapter
not installed, no framework found), 2 usage error.

Examples:
  leakgate init --dry-run
  leakgate init --ci github
`
