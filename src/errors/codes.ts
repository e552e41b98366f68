/** `extensions.code` values Pigeon puts on top-level GraphQL errors and on 401 bodies. */
export const WIRE_ERROR_CODES = [
  'UNAUTHENTICATED',
  'RATE_LIMIT_EXCEEDED',
  'FORBIDDEN',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'METHOD_NOT_ALLOWED',
  'NOT_FOUND',
  'UNEXPECTED',
] as const

/**
 * Codes of domain failures. They reach clients as typed MutationError members or top-level errors
 * and appear in logs under `code`.
 */
export const DOMAIN_ERROR_CODES = [
  'POST_NOT_FOUND',
  'CHANNEL_NOT_FOUND',
  'ORGANIZATION_NOT_FOUND',
  'INVALID_INPUT',
  'LIMIT_REACHED',
  'NO_FREE_SLOT',
  'POST_NOT_EDITABLE',
  'ACCOUNT_NOT_FOUND',
  'INVALID_KEY_NAME',
  'INVALID_EXPIRY',
  'API_KEY_LIMIT_REACHED',
  'API_KEY_NOT_FOUND',
  'EMAIL_TAKEN',
  'INVALID_POSTING_SCHEDULE',
  'INVALID_WEBHOOK_URL',
  'INVALID_WEBHOOK_SECRET',
  'INVALID_SCOPES',
  'SETUP_CLOSED',
  'INVALID_CREDENTIALS',
  'SIGN_IN_THROTTLED',
  'PASSWORD_ALREADY_SET',
  'CHANNEL_NOT_CONNECTED',
  'IDEA_NOT_FOUND',
] as const
