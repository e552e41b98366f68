import fc from 'fast-check'
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isUnionType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql'

/** Strings that stress parsers and validators: Unicode edge cases, controls, huge and empty. */
export const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\u202Eevil', 'a\u200Bb', '\uD800', '\uDFFF', 'x\uD83D', '👨‍👩‍👧‍👦', 'e\u0301', 'مرحبا', '漢字テスト', '"\'\\', '<script>alert(1)</script>', 'null', '0'.repeat(64)),
  fc.integer({ min: 1, max: 200_000 }).map((length) => 'x'.repeat(length)),
)

/** Date-time strings at the edges: leap days, year 9999, ±14:00 offsets, and broken ones. */
export const edgeDateTime = fc.oneof(
  fc.constantFrom(
    '2028-02-29T12:00:00Z',
    '2027-02-29T12:00:00Z',
    '9999-12-31T23:59:59.999+14:00',
    '0001-01-01T00:00:00-12:00',
    '2030-01-01T00:00:00+14:00',
    '2030-01-01T00:00:00-14:01',
    '2030-13-01T00:00:00Z',
    '2030-01-01T24:00:00Z',
    '2030-01-01T00:00:00',
    '2030-01-01',
    'tomorrow',
    '',
  ),
  fc.date({ min: new Date(-62135596800000), max: new Date(253402300799999), noInvalidDate: true }).map((date) => date.toISOString()),
)

function scalarLiteral(name: string): fc.Arbitrary<string> {
  switch (name) {
    case 'Int':
      return fc.oneof(fc.integer(), fc.constantFrom('2147483648', '-0', '1e9')).map(String)
    case 'Float':
      return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => String(value).replace('Infinity', '1e308')), fc.constant('1.5'))
    case 'Boolean':
      return fc.constantFrom('true', 'false')
    case 'DateTime':
      return edgeDateTime.map((value) => JSON.stringify(value))
    default:
      return fc.oneof(nastyString, fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 24, maxLength: 24 })).map((value) => JSON.stringify(value))
  }
}

/** A GraphQL literal for the input type, often valid, sometimes of the wrong shape. */
function inputLiteral(type: GraphQLInputType, depth: number): fc.Arbitrary<string> {
  const wrong = fc.oneof(fc.constant('null'), fc.constant('{}'), fc.constant('[]'), fc.constant('"?"'), fc.constant('42'))
  if (depth > 4) return fc.constant('null')
  if (isNonNullType(type)) return fc.oneof({ weight: 9, arbitrary: inputLiteral(type.ofType, depth) }, { weight: 1, arbitrary: wrong })
  if (isListType(type)) return fc.array(inputLiteral(type.ofType, depth + 1), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`)
  if (isEnumType(type)) return fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...type.getValues().map((value) => value.name)) }, { weight: 1, arbitrary: fc.constant('notAnEnumValue') })
  if (isScalarType(type)) return scalarLiteral(type.name)
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields())
    return fc.subarray(fields).chain((chosen) =>
      fc.tuple(...chosen.map((field) => inputLiteral(field.type, depth + 1).map((value) => `${field.name}: ${value}`))).map((parts) => `{ ${parts.join(', ')} }`),
    )
  }

  return wrong
}

function selectionFor(type: GraphQLNamedType, schema: GraphQLSchema, depth: number): fc.Arbitrary<string> {
  if (isUnionType(type) || isInterfaceType(type)) {
    const members = isUnionType(type) ? type.getTypes() : schema.getPossibleTypes(type)
    const candidates = members.slice(0, 8)
    return fc.subarray(candidates, { minLength: 1, maxLength: Math.min(3, candidates.length) }).chain((chosen) =>
      fc.tuple(...chosen.map((member) => selectionFor(member, schema, depth).map((inner) => `... on ${member.name} ${inner}`))).map((parts) => `{ __typename ${parts.join(' ')} }`),
    )
  }
  if (!isObjectType(type)) return fc.constant('')

  const fields = Object.values(type.getFields()).filter((field) => depth < 3 || isScalarType(getNamedType(field.type)) || isEnumType(getNamedType(field.type)))
  if (fields.length === 0) return fc.constant('{ __typename }')

  return fc.subarray(fields, { minLength: 1, maxLength: Math.min(4, fields.length) }).chain((chosen) => fc.tuple(...chosen.map((field) => fieldSelection(field, schema, depth + 1))).map((parts) => `{ ${parts.join(' ')} }`))
}

function fieldSelection(field: GraphQLField<unknown, unknown>, schema: GraphQLSchema, depth: number): fc.Arbitrary<string> {
  const named = getNamedType(field.type)
  const args = field.args.length === 0 ? fc.constant('') : fc.tuple(...field.args.map((arg) => inputLiteral(arg.type, 0).map((value) => `${arg.name}: ${value}`))).map((parts) => `(${parts.join(', ')})`)
  const inner = isScalarType(named) || isEnumType(named) ? fc.constant('') : selectionFor(named, schema, depth)

  return fc.tuple(args, inner).map(([argText, innerText]) => `${field.name}${argText} ${innerText}`)
}

/** Documents built from the schema: a root operation with arguments of random values. */
export function schemaDocument(schema: GraphQLSchema): fc.Arbitrary<string> {
  const roots = [
    ...Object.values(schema.getQueryType()!.getFields()).map((field) => ({ keyword: 'query', field })),
    ...Object.values(schema.getMutationType()!.getFields()).map((field) => ({ keyword: 'mutation', field })),
  ]

  return fc.constantFrom(...roots).chain(({ keyword, field }) => fieldSelection(field, schema, 1).map((selection) => `${keyword} { ${selection} }`))
}
