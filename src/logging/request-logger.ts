import type { Bindings, ChildLoggerOptions, Level, LevelWithSilentOrString, Logger } from 'pino'

/** The part of a pino logger that Fastify and Pigeon's request code call on `request.log`. */
export interface RequestLogger {
  level: LevelWithSilentOrString
  fatal: Logger['fatal']
  error: Logger['error']
  warn: Logger['warn']
  info: Logger['info']
  debug: Logger['debug']
  trace: Logger['trace']
  silent: Logger['silent']
  child(bindings: Bindings, options?: ChildLoggerOptions): Logger
  isLevelEnabled(level: LevelWithSilentOrString): boolean
  /** Adds bindings (the request's account and key ids) to every later line of this request. */
  setBindings(bindings: Bindings): void
  bindings(): Bindings
}

/**
 * A per-request logger that creates its pino child only when a line at an enabled level is
 * written, because creating a child runs every binding through the redaction paths. In profiles
 * that cost about a tenth of a request's CPU time (an estimate from one benchmark machine). At
 * level `warn` most requests write no line, so they never pay it. Written lines look exactly
 * like a child's.
 *
 * NOTE: a class, not an object of closures, because tsx names every function it creates, and
 * that costs a property definition per closure per request.
 */
class LazyRequestLogger implements RequestLogger {
  private readonly pending: Bindings
  /** Bindings added by setBindings before the child exists. */
  private extra: Bindings | null = null
  private childLogger: Logger | null

  constructor(
    private readonly parent: Logger,
    bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {
    this.pending = bindings
    // A route with its own log level gets its child at once, so level checks follow that level.
    this.childLogger = options.level === undefined ? null : parent.child(bindings, options)
  }

  get level(): LevelWithSilentOrString {
    return this.childLogger?.level ?? this.parent.level
  }

  set level(level: LevelWithSilentOrString) {
    this.materialize().level = level
  }

  fatal(...args: Parameters<Logger['fatal']>): void {
    this.write('fatal', args)
  }

  error(...args: Parameters<Logger['error']>): void {
    this.write('error', args)
  }

  warn(...args: Parameters<Logger['warn']>): void {
    this.write('warn', args)
  }

  info(...args: Parameters<Logger['info']>): void {
    this.write('info', args)
  }

  debug(...args: Parameters<Logger['debug']>): void {
    this.write('debug', args)
  }

  trace(...args: Parameters<Logger['trace']>): void {
    this.write('trace', args)
  }

  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.materialize().child(bindings, options)
  }

  isLevelEnabled(level: LevelWithSilentOrString): boolean {
    return (this.childLogger ?? this.parent).isLevelEnabled(level)
  }

  setBindings(extra: Bindings): void {
    if (this.childLogger !== null) this.childLogger.setBindings(extra)
    else this.extra = this.extra === null ? extra : { ...this.extra, ...extra }
  }

  bindings(): Bindings {
    return this.childLogger === null ? { ...this.parent.bindings(), ...this.pending, ...this.extra } : this.childLogger.bindings()
  }

  private write(level: Level, args: Parameters<Logger['info']>): void {
    if (this.childLogger === null && !this.parent.isLevelEnabled(level)) return
    this.materialize()[level](...args)
  }

  private materialize(): Logger {
    if (this.childLogger === null) {
      this.childLogger = this.parent.child(this.pending, this.options)
      if (this.extra !== null) this.childLogger.setBindings(this.extra)
    }
    return this.childLogger
  }
}

/** Creates the logger of one request; see LazyRequestLogger. */
export function createRequestLogger(parent: Logger, bindings: Bindings, options: ChildLoggerOptions): RequestLogger {
  return new LazyRequestLogger(parent, bindings, options)
}
