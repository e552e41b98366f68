import assert from 'node:assert/strict'
import fs from 'node:fs'
import { describe, it } from 'node:test'
import { ChangeType, CriticalityLevel, diff, type Change } from '@graphql-inspector/core'
import {
  buildSchema,
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql'
import { loadSchemaSource } from '../../src/api/graphql/load-schema.ts'
import { startTestApp } from '../helpers/app.ts'
import { DIALECTS } from '../helpers/db.ts'
import { buildTenant } from '../helpers/factories.ts'

// Buffer's clients validate their documents against Buffer's schema, so any breaking difference
// in Pigeon's schema turns a working client request into a 400.

const REFERENCE_PATH = new URL('../fixtures/buffer-schema.graphql', import.meta.url)

/** Root fields of Buffer's API that Pigeon does not serve yet. */
const UNSERVED_ROOT_FIELDS = [
  'Query.aggregatedPostMetrics',
  'Query.postTemplate',
  'Query.postTemplates',
  'Mutation.createPostTemplate',
  'Mutation.updatePostTemplate',
  'Mutation.deletePostTemplate',
]

/** Buffer's types that only the unserved root fields use, so Pigeon leaves them out. */
const TYPES_BEHIND_UNSERVED_FIELDS = [
  'AggregatedPostMetrics',
  'AggregatedPostMetricsInput',
  'CreatePostTemplateInput',
  'CreatePostTemplatePayload',
  'CreatePostTemplateSuccess',
  'DeletePostTemplateInput',
  'DeletePostTemplatePayload',
  'EmptySuccess',
  'MutationSuccess',
  'PostTemplate',
  'PostTemplateEdge',
  'PostTemplateId',
  'PostTemplateInput',
  'PostTemplateVisibility',
  'PostTemplatesConnection',
  'PostTemplatesFilterInput',
  'PostTemplatesInput',
  'UpdatePostTemplateInput',
  'UpdatePostTemplatePayload',
  'UpdatePostTemplateSuccess',
]

const reference = buildSchema(fs.readFileSync(REFERENCE_PATH, 'utf8'))
const ours = buildSchema(loadSchemaSource())

function isAllowedRemoval(change: Change): boolean {
  if (change.type === ChangeType.FieldRemoved) return UNSERVED_ROOT_FIELDS.includes(change.path ?? '')
  if (change.type === ChangeType.TypeRemoved) return TYPES_BEHIND_UNSERVED_FIELDS.includes(change.path ?? '')

  return false
}

async function breakingChanges(): Promise<Change[]> {
  const changes = await diff(reference, ours)
  return changes.filter((change) => change.criticality.level === CriticalityLevel.Breaking)
}

/** Lists every root field of the schema as `Type.field`. */
function rootFields(schema: GraphQLSchema): string[] {
  return [schema.getQueryType(), schema.getMutationType()].flatMap((type) => (type ? Object.keys(type.getFields()).map((field) => `${type.name}.${field}`) : []))
}

/**
 * Names of the types a client can reach from the given root fields: through field types and
 * arguments, input fields, union members, interfaces and their implementations.
 */
function reachableTypes(schema: GraphQLSchema, fields: readonly string[]): Set<string> {
  const seen = new Set<string>()
  const pending: GraphQLNamedType[] = []
  const visit = (type: GraphQLNamedType) => {
    if (seen.has(type.name)) return
    seen.add(type.name)
    pending.push(type)
  }
  const visitField = (field: GraphQLField<unknown, unknown>) => {
    visit(getNamedType(field.type))
    for (const argument of field.args) visit(getNamedType(argument.type))
  }

  for (const path of fields) {
    const [typeName, fieldName] = path.split('.') as [string, string]
    const root = schema.getType(typeName)
    if (!isObjectType(root)) throw new Error(`${typeName} is not an object type of the schema`)
    visitField(root.getFields()[fieldName]!)
  }
  for (let type = pending.pop(); type !== undefined; type = pending.pop()) {
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) visitField(field)
      for (const implemented of type.getInterfaces()) visit(implemented)
    }
    if (isInterfaceType(type)) for (const implementation of schema.getPossibleTypes(type)) visit(implementation)
    if (isUnionType(type)) for (const member of type.getTypes()) visit(member)
    if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) visit(getNamedType(field.type))
  }

  return seen
}

describe('schema against Buffer', () => {
  it('has no unexpected breaking change', async () => {
    const unexpected = (await breakingChanges()).filter((change) => !isAllowedRemoval(change))

    assert.deepEqual(unexpected.map((change) => `${change.type} ${change.path}: ${change.message}`), [])
  })

  it('lists no stale exception', async () => {
    const removed = new Set((await breakingChanges()).map((change) => change.path))

    assert.deepEqual(UNSERVED_ROOT_FIELDS.filter((path) => !removed.has(path)), [])
    assert.deepEqual(TYPES_BEHIND_UNSERVED_FIELDS.filter((name) => !removed.has(name)), [])
  })

  it('excepts only unserved types', () => {
    const served = rootFields(reference).filter((path) => !UNSERVED_ROOT_FIELDS.includes(path))
    const reachableFromServed = reachableTypes(reference, served)
    const reachableFromUnserved = reachableTypes(reference, UNSERVED_ROOT_FIELDS)

    assert.deepEqual(TYPES_BEHIND_UNSERVED_FIELDS.filter((name) => reachableFromServed.has(name)), [])
    assert.deepEqual(TYPES_BEHIND_UNSERVED_FIELDS.filter((name) => !reachableFromUnserved.has(name)), [])
  })

  it('keeps every union member', async (t) => {
    const unions = Object.values(reference.getTypeMap()).filter(isUnionType).filter((union) => !TYPES_BEHIND_UNSERVED_FIELDS.includes(union.name))

    assert.ok(unions.length > 0)
    for (const union of unions) {
      await t.test(union.name, () => {
        const counterpart = ours.getType(union.name)
        const members = isUnionType(counterpart) ? counterpart.getTypes().map((member) => member.name) : []

        assert.ok(isUnionType(counterpart), `${union.name} is not a union in Pigeon's schema`)
        assert.deepEqual(union.getTypes().map((member) => member.name).filter((name) => !members.includes(name)), [])
      })
    }
  })
})

const INTROSPECTION = 'query Introspect { __schema { queryType { name } mutationType { name } } }'

for (const dialect of DIALECTS) {
  describe(`${dialect}: introspection`, () => {
    it('answers an authenticated caller', async (t) => {
      const app = await startTestApp(t, dialect)
      const tenant = await buildTenant(app.deps)

      const response = await app.graphql(INTROSPECTION, {}, tenant.apiKey)

      assert.equal(response.status, 200)
      assert.equal(response.body.errors, undefined)
      assert.equal(response.body.data?.__schema?.queryType?.name, 'Query')
      assert.equal(response.body.data?.__schema?.mutationType?.name, 'Mutation')
    })

    it('rejects a caller without a key', async (t) => {
      const app = await startTestApp(t, dialect)

      const response = await app.graphql(INTROSPECTION, {}, null)

      assert.equal(response.status, 401)
      assert.deepEqual(response.body, { errors: [{ message: 'An authentication JWT or Access Token is required', extensions: { code: 'UNAUTHENTICATED' } }] })
    })
  })
}
