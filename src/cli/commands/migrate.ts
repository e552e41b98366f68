import { createDb } from '../../storage/db.ts'
import { migrateToLatest } from '../../storage/migrate.ts'
import type { Command } from '../command.ts'

export const migrateCommand: Command = {
  path: ['migrate'],
  summary: 'Apply pending database migrations and exit',
  usage: 'pigeon migrate',
  options: {},
  async run(context) {
    const db = createDb(context.config.database)
    try {
      const result = await migrateToLatest(db, context.log)
      const applied = (result.results ?? []).filter((entry) => entry.status === 'Success').length
      context.output.out(applied === 0 ? 'The database is up to date.' : `Applied ${applied} migration${applied === 1 ? '' : 's'}.`)
    } finally {
      await db.close()
    }
  },
}
