/** Where a command writes: results to stdout, notes to stderr. Tests pass their own. */
export interface CliOutput {
  out(line: string): void
  err(line: string): void
}

export const processOutput: CliOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}

/** Formats rows as left-aligned columns under a header. */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)))
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()

  return [line(headers), ...rows.map(line)].join('\n')
}
