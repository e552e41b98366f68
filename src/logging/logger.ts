import { pino, type Logger, type DestinationStream } from 'pino'

/** Paths pino replaces with "[redacted]" in every log line, in every environment. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  '*.authorization',
  '*.accessToken',
  '*.refreshToken',
  '*.apiKey',
  '*.key',
  '*.plaintext',
  '*.password',
  '*.secret',
  '*.webhookSecret',
  '*.clientSecret',
  '*.code',
  '*.token',
  'apiKey',
  'key',
  'plaintext',
  'password',
  'secret',
  'webhookSecret',
  'token',
]

export interface LoggerOptions {
  level: string
  role: string
  version: string
  /** Where JSON lines go. Default: standard output. Tests pass a capture stream. */
  destination?: DestinationStream
}

/** Creates the root logger: JSON lines with service, role and version on every line. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'pigeon', role: options.role, version: options.version },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: pino.stdSerializers.err },
    },
    options.destination,
  )
}

export type { Logger }
