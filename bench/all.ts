// `npm run bench`: the request benchmark, then the delivery-rate benchmark, each with this
// command's arguments, stopping at the first failure.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

for (const script of ['run.ts', 'delivery.ts']) {
  const path = fileURLToPath(new URL(script, import.meta.url))
  const result = spawnSync(process.execPath, ['--import', 'tsx', path, ...process.argv.slice(2)], { stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}
