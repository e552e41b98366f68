import type { FastifyReply } from 'fastify'
import type { Actor } from '../../auth/actor.ts'
import type { AppDeps } from '../../deps.ts'
import type { Loaders } from './loaders.ts'

/** What every resolver receives: the caller, the app's dependencies and per-request loaders. */
export interface GraphQLContext {
  deps: AppDeps
  actor: Actor
  loaders: Loaders
  reply: FastifyReply
}
