/** Base of thrown errors that carry a stable code and the ids involved (never secrets). */
export class AppError extends Error {
  readonly code: string
  readonly retryable: boolean
  readonly context: Record<string, unknown>

  constructor(
    code: string,
    message: string,
    options: { retryable?: boolean; context?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'AppError'
    this.code = code
    this.retryable = options.retryable ?? false
    this.context = options.context ?? {}
  }
}

/** Turns any thrown value into an Error, so logs always get a message and a stack. */
export function coerceError(value: unknown): Error {
  if (value instanceof Error) return value
  return new Error(typeof value === 'string' ? value : `Non-error thrown: ${JSON.stringify(value)}`)
}
