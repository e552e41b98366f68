import fs from 'node:fs'
import { fileURLToPath } from 'node:url'

const SCHEMA_DIR = new URL('./schema/', import.meta.url)

/** Reads every `.graphql` file of the schema folder, in name order, as one SDL string. */
export function loadSchemaSource(): string {
  const directory = fileURLToPath(SCHEMA_DIR)
  const files = fs.readdirSync(directory).filter((file) => file.endsWith('.graphql')).sort()

  return files.map((file) => fs.readFileSync(new URL(file, SCHEMA_DIR), 'utf8')).join('\n')
}
