import type { ChannelError } from '../../../channel-settings/channel-settings.ts'
import type { IdeaError } from '../../../ideas/ideas.ts'
import type { PostError } from '../../../posts/post-errors.ts'
import { ClientGraphQLError } from '../errors.ts'

type DomainError = PostError | IdeaError | ChannelError

/** The MutationError member that carries a domain failure inside a payload union. */
export function toMutationError(error: DomainError): { __typename: string; message: string } {
  switch (error.code) {
    case 'POST_NOT_FOUND':
    case 'CHANNEL_NOT_FOUND':
    case 'ORGANIZATION_NOT_FOUND':
      return { __typename: 'NotFoundError', message: error.message }
    case 'INVALID_INPUT':
    case 'NO_FREE_SLOT':
    case 'POST_NOT_EDITABLE':
      return { __typename: 'InvalidInputError', message: error.message }
    case 'LIMIT_REACHED':
      return { __typename: 'LimitReachedError', message: error.message }
    default: {
      const unmapped: never = error
      throw new Error(`Unmapped domain error ${JSON.stringify(unmapped)}`)
    }
  }
}

/** The top-level error a query field raises for a domain failure. */
export function toQueryError(error: DomainError): ClientGraphQLError {
  switch (error.code) {
    case 'POST_NOT_FOUND':
    case 'CHANNEL_NOT_FOUND':
    case 'ORGANIZATION_NOT_FOUND':
      return new ClientGraphQLError('NOT_FOUND', error.message)
    case 'INVALID_INPUT':
    case 'NO_FREE_SLOT':
    case 'POST_NOT_EDITABLE':
    case 'LIMIT_REACHED':
      return new ClientGraphQLError('BAD_USER_INPUT', error.message)
    default: {
      const unmapped: never = error
      throw new Error(`Unmapped domain error ${JSON.stringify(unmapped)}`)
    }
  }
}
