import type { Kysely, Transaction } from 'kysely'
import type { Database } from './schema.ts'

/** What repo functions take: the database, or a transaction the caller opened. */
export type Executor = Kysely<Database> | Transaction<Database>

export function toFlag(value: boolean): number {
  return value ? 1 : 0
}

export function fromFlag(value: number | boolean): boolean {
  return value === true || value === 1
}
