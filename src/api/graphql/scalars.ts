import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql'

// ISO 8601 date-time with an explicit offset or Z, so an instant is never ambiguous:
// 2026-05-05T17:00:00-05:00, 2026-05-05T22:00:00.123Z. Seconds and fractions are optional.
const DATE_TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/i

/** Parses an ISO 8601 date-time that carries an offset or Z; throws a message naming the value. */
export function parseDateTime(value: unknown): Date {
  // Variables coerced once already arrive as Date objects.
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value
  if (typeof value !== 'string') throw new GraphQLError(`DateTime must be an ISO 8601 string such as 2026-05-05T17:00:00Z; got ${typeof value}.`)
  const match = DATE_TIME_PATTERN.exec(value)
  if (match === null) {
    throw new GraphQLError(`DateTime "${value.slice(0, 60)}" is not ISO 8601 with an offset; use a form such as 2026-05-05T17:00:00Z or 2026-05-05T17:00:00+05:30.`)
  }

  const [, year, month, day, hour, minute, second = '0', , zone, offsetHours, offsetMinutes] = match
  const parsed = new Date(value)
  const calendarOk = isRealDate(Number(year), Number(month), Number(day))
  const clockOk = Number(hour) < 24 && Number(minute) < 60 && Number(second) < 60
  const offsetOk = zone!.toUpperCase() === 'Z' || (Number(offsetHours) * 60 + Number(offsetMinutes) <= 14 * 60 && Number(offsetMinutes) < 60)
  if (!calendarOk || !clockOk || !offsetOk || Number.isNaN(parsed.getTime())) {
    throw new GraphQLError(`DateTime "${value.slice(0, 60)}" is not a real date and time; check the day, the hour and the offset (at most ±14:00).`)
  }

  return parsed
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate()
}

function serializeDateTime(value: unknown): string {
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'number') return new Date(value).toISOString()
  if (typeof value === 'string') return new Date(value).toISOString()
  throw new GraphQLError('DateTime cannot represent this value.')
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant, in ISO 8601 with an offset or Z. Pigeon returns UTC with milliseconds.',
  serialize: serializeDateTime,
  parseValue: parseDateTime,
  parseLiteral(node: ValueNode) {
    if (node.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string such as "2026-05-05T17:00:00Z".', { nodes: node })
    return parseDateTime(node.value)
  },
})

/** An opaque string identifier, such as Buffer's 24-hex ObjectId scalars. */
function idScalar(name: string, description: string): GraphQLScalarType {
  const parse = (value: unknown): string => {
    if (typeof value !== 'string') throw new GraphQLError(`${name} must be a string; got ${typeof value}.`)
    if (value.length > 200) throw new GraphQLError(`${name} is longer than 200 characters.`)
    return value
  }

  return new GraphQLScalarType({
    name,
    description,
    serialize: (value) => String(value),
    parseValue: parse,
    parseLiteral(node) {
      if (node.kind !== Kind.STRING) throw new GraphQLError(`${name} must be a string.`, { nodes: node })
      return parse(node.value)
    },
  })
}

export const EmailScalar = new GraphQLScalarType({
  name: 'Email',
  description: 'An email address, trimmed and lowercased.',
  serialize: (value) => String(value),
  parseValue: (value) => {
    if (typeof value !== 'string') throw new GraphQLError('Email must be a string.')
    return value.trim().toLowerCase()
  },
  parseLiteral(node) {
    if (node.kind !== Kind.STRING) throw new GraphQLError('Email must be a string.', { nodes: node })
    return node.value.trim().toLowerCase()
  },
})

const ID_SCALARS = ['AccountId', 'ChannelId', 'DraftId', 'IdeaId', 'InvitationId', 'NoteId', 'OrganizationId', 'PostGroupId', 'PostId', 'TagId', 'Uuid', 'ContentItemId']

/** Resolver entries for every custom scalar of the schema. */
export function scalarResolvers(): Record<string, GraphQLScalarType> {
  const scalars: Record<string, GraphQLScalarType> = { DateTime: DateTimeScalar, Email: EmailScalar }
  for (const name of ID_SCALARS) scalars[name] = idScalar(name, `Identifier of a ${name.replace(/Id$/, '')}.`)

  return scalars
}
