// Writes a run's results into BENCHMARKS.md for `npm run bench -- --write`.
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'

/** BENCHMARKS.md at the repository root. */
export const BENCHMARKS_FILE = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url))

const START_MARKER = '<!-- bench:results:start (written by npm run bench -- --write; edits inside are replaced) -->'
const END_MARKER = '<!-- bench:results:end -->'

/**
 * Replaces the text between the results markers of BENCHMARKS.md with `section`. When the markers
 * are missing, appends them with the section at the end of the file, creating the file if needed.
 * Throws when only one marker is present, because the section's end would be a guess.
 */
export function writeResultsSection(section: string, file: string = BENCHMARKS_FILE): void {
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n'
  const start = current.indexOf(START_MARKER)
  const end = current.indexOf(END_MARKER)
  const block = `${START_MARKER}\n${section.trim()}\n${END_MARKER}`

  if (start === -1 && end === -1) {
    fs.writeFileSync(file, `${current.trimEnd()}\n\n${block}\n`)
    return
  }
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`${file} has a broken results section: restore both lines "${START_MARKER}" and "${END_MARKER}", in that order, or delete both`)
  }

  fs.writeFileSync(file, `${current.slice(0, start)}${block}${current.slice(end + END_MARKER.length)}`)
}
