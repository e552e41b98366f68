// Runs every *.test.ts file with node's test runner through tsx. Node 20 does not expand globs
// for --test, so this script lists the files. Arguments narrow the run to paths that contain them.
// Files whose results may depend on the process timezone run again under two more zones.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const ROOTS = ['src', 'test']
const TIMEZONE_SENSITIVE = ['queue-slots.test.ts', 'queue.test.ts', 'daily-limits.test.ts']
const EXTRA_TIMEZONES = ['Asia/Kolkata', 'Pacific/Chatham']

function listTests(directory) {
  const files = []
  for (const entry of readdirSync(directory)) {
    const full = path.join(directory, entry)
    if (statSync(full).isDirectory()) files.push(...listTests(full))
    else if (entry.endsWith('.test.ts')) files.push(full)
  }
  return files
}

const totals = { passed: 0, failed: 0 }
const failures = []
const tapDirectory = mkdtempSync(path.join(os.tmpdir(), 'pigeon-tap-'))

// Each run reports to the terminal (spec) and to a TAP file whose closing counts are summed.
function run(files, env) {
  const tapFile = path.join(tapDirectory, `run-${totals.passed + totals.failed}-${Date.now()}.tap`)
  const args = ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tapFile}`, ...files]
  const result = spawnSync(process.execPath, args, { stdio: 'inherit', env })
  const tap = readFileSync(tapFile, 'utf8')
  totals.passed += Number(/^# pass (\d+)$/m.exec(tap)?.[1] ?? 0)
  totals.failed += Number(/^# fail (\d+)$/m.exec(tap)?.[1] ?? 0)
  failures.push(...failedTests(tap, env.TZ))
  return result.status ?? 1
}

// Reads each failed test's name and diagnostics from TAP output. Suites that failed only because a
// test inside them failed are left out, since their own test is listed.
function failedTests(tap, timeZone) {
  const lines = tap.split('\n')
  const found = []
  for (let index = 0; index < lines.length; index += 1) {
    const heading = /^(\s*)not ok \d+ - (.*)$/.exec(lines[index])
    if (heading === null) continue
    const indent = `${heading[1]}  `
    const details = []
    if (lines[index + 1] === `${indent}---`) {
      for (index += 2; index < lines.length && lines[index] !== `${indent}...`; index += 1) details.push(lines[index].slice(indent.length))
    }
    if (details.some((line) => line.startsWith("failureType: 'subtestsFailed'"))) continue
    const diagnostics = details.filter((line) => !line.startsWith('duration_ms:'))
    found.push({ name: heading[2], timeZone, details: diagnostics.length > 40 ? [...diagnostics.slice(0, 40), `(${diagnostics.length - 40} more lines)`] : diagnostics })
  }
  return found
}

const filters = process.argv.slice(2)
const files = ROOTS.flatMap(listTests).sort().filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
if (files.length === 0) {
  console.error(`No test files match ${filters.join(' ')}`)
  process.exit(1)
}

let status = run(files, process.env)
const zoned = files.filter((file) => TIMEZONE_SENSITIVE.includes(path.basename(file)))
for (const timeZone of zoned.length > 0 ? EXTRA_TIMEZONES : []) {
  console.log(`\nRunning ${zoned.length} timezone-sensitive test files again with TZ=${timeZone}`)
  status = run(zoned, { ...process.env, TZ: timeZone }) || status
}
rmSync(tapDirectory, { recursive: true, force: true })
// The spec reporter's own summary scrolls away behind the timezone runs, so failures are repeated last.
if (failures.length > 0) {
  console.log(`\nFailed tests (${failures.length}):`)
  for (const failure of failures) {
    console.log(`\n✖ ${failure.name}${failure.timeZone === undefined ? '' : ` (TZ=${failure.timeZone})`}`)
    for (const line of failure.details) console.log(`    ${line}`)
  }
}
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed`)
process.exit(status)
