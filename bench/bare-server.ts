// Child process: the baseline. The same Fastify version as Pigeon, no plugins and no logger, and
// one POST route that returns a fixed JSON object shaped and sized like Pigeon's response to the
// benchmark query. bench/run.ts starts it.
import Fastify from 'fastify'
import { serveBenchmarkChild, type StartedServer } from './server-child.ts'

const RESPONSE = {
  data: {
    account: {
      id: '6650f1c2a3b4c5d6e7f80911',
      organizations: [{ id: '6650f1c2a3b4c5d6e7f80912', name: 'Test Org' }],
    },
  },
}

async function startBare(): Promise<StartedServer> {
  const app = Fastify({ logger: false })
  app.post('/graphql', async () => RESPONSE)
  const url = await app.listen({ host: '127.0.0.1', port: 0 })

  return { ready: { url }, close: () => app.close() }
}

serveBenchmarkChild(startBare, null)
