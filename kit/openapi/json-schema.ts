import type { z } from '@botpress/sdk'
import { canonicalJson, isJsonObject, toJson, type Json, type JsonObject } from './json'

/*
 * zui's JSON Schema output, made fit for an OpenAPI 3.1 document (whose schema dialect is JSON Schema 2020-12):
 * - `x-zui` keys are removed (their `title` is kept as the standard `title`);
 * - `additionalProperties: false` is removed: zod (strip mode) ignores unknown fields rather than refusing them, and
 *   the contract must let either side add optional fields later without breaking a server generated from it
 *   (`additionalProperties` that carries a schema, as in a record, is kept);
 * - a union whose branches differ by a constant property becomes a `oneOf` (exactly one branch matches);
 * - keywords are written in one fixed order, so the generated document is stable and diffs read well.
 */

const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'dependentSchemas'] as const
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const
const SUBSCHEMAS = [
  'items',
  'additionalProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
] as const

/** A copy of `schema` whose direct subschemas went through `fn`. */
const mapSubschemas = (schema: JsonObject, fn: (sub: JsonObject) => JsonObject): JsonObject => {
  const out: JsonObject = { ...schema }
  for (const key of SUBSCHEMA_MAPS) {
    const map = out[key]
    if (!isJsonObject(map)) continue
    const next: JsonObject = {}
    for (const [name, sub] of Object.entries(map)) next[name] = isJsonObject(sub) ? fn(sub) : sub
    out[key] = next
  }
  for (const key of SUBSCHEMA_LISTS) {
    const list = out[key]
    if (Array.isArray(list)) out[key] = list.map((sub) => (isJsonObject(sub) ? fn(sub) : sub))
  }
  for (const key of SUBSCHEMAS) {
    const sub = out[key]
    if (isJsonObject(sub)) out[key] = fn(sub)
  }
  return out
}

/** Applies `fn` to every subschema, innermost first. */
export const transformSchema = (schema: JsonObject, fn: (schema: JsonObject) => JsonObject): JsonObject =>
  fn(mapSubschemas(schema, (sub) => transformSchema(sub, fn)))

const stripZui = (schema: JsonObject): JsonObject => {
  const { 'x-zui': zui, $schema: _dialect, ...rest } = schema
  const title = isJsonObject(zui) && typeof zui.title === 'string' ? zui.title : undefined
  return title !== undefined && rest.title === undefined ? { title, ...rest } : rest
}

const allowUnknownFields = (schema: JsonObject): JsonObject => {
  if (schema.additionalProperties !== false) return schema
  const { additionalProperties: _closed, ...rest } = schema
  return rest
}

const isPlainObjectSchema = (schema: Json | undefined): schema is JsonObject =>
  isJsonObject(schema) &&
  schema.type === 'object' &&
  schema.allOf === undefined &&
  schema.anyOf === undefined &&
  schema.oneOf === undefined

/** The property whose constant value tells the branches of a union apart, if there is one. */
const discriminatorOf = (branches: Json[]): string | undefined => {
  const first = branches[0]
  if (!isPlainObjectSchema(first) || !isJsonObject(first.properties)) return undefined
  for (const name of Object.keys(first.properties)) {
    const values = branches.map((branch) => {
      if (!isPlainObjectSchema(branch) || !isJsonObject(branch.properties)) return undefined
      const required = Array.isArray(branch.required) && branch.required.includes(name)
      const prop = branch.properties[name]
      return required && isJsonObject(prop) && typeof prop.const === 'string' ? prop.const : undefined
    })
    if (values.every((v) => v !== undefined) && new Set(values).size === values.length) return name
  }
  return undefined
}

const exclusiveUnion = (schema: JsonObject): JsonObject => {
  const { anyOf, ...rest } = schema
  if (!Array.isArray(anyOf) || anyOf.length < 2 || discriminatorOf(anyOf) === undefined) return schema
  return { ...rest, oneOf: anyOf }
}

const KEYWORD_ORDER = [
  '$ref',
  'title',
  'description',
  'type',
  'const',
  'enum',
  'format',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'exclusiveMaximum',
  'items',
  'minItems',
  'maxItems',
  'properties',
  'required',
  'additionalProperties',
  'allOf',
  'anyOf',
  'oneOf',
  'discriminator',
  'default',
  'examples',
]

const rank = (key: string) => {
  const i = KEYWORD_ORDER.indexOf(key)
  return i === -1 ? KEYWORD_ORDER.length : i
}

/** The schema's keywords in one fixed order (property names keep the order the zod schema gives them). */
export const orderKeywords = (schema: JsonObject): JsonObject => {
  const keys = Object.keys(schema).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
  const out: JsonObject = {}
  for (const key of keys) out[key] = schema[key] as Json
  return out
}

/** A zod schema as an OpenAPI 3.1 schema object. */
export const toOpenApiSchema = (schema: z.ZodTypeAny): JsonObject => {
  const json = toJson(schema.toJSONSchema())
  if (!isJsonObject(json)) throw new Error('zui produced a JSON Schema that is not an object')
  return transformSchema(json, (s) => orderKeywords(exclusiveUnion(allowUnknownFields(stripZui(s)))))
}

const refTo = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` })

/** `schema` with every subschema equal to `target` (at any depth, itself included) replaced by `replacement`. */
const replaceCopies = (schema: JsonObject, target: string, replacement: JsonObject): JsonObject =>
  canonicalJson(schema) === target ? replacement : mapSubschemas(schema, (sub) => replaceCopies(sub, target, replacement))

/**
 * Named schemas whose copies inside the other named schemas are replaced by a `$ref`, so each is written once and a
 * code generator gives it one type. The largest are replaced first, so a schema that contains another still matches.
 */
export const shareComponents = (schemas: Record<string, JsonObject>): Record<string, JsonObject> => {
  const out: Record<string, JsonObject> = { ...schemas }
  const size = (name: string) => canonicalJson(schemas[name] as Json).length
  const bySize = Object.keys(schemas).sort((a, b) => size(b) - size(a))
  for (const name of bySize) {
    const target = canonicalJson(out[name] as Json)
    for (const other of Object.keys(out)) {
      if (other !== name) out[other] = replaceCopies(out[other] as JsonObject, target, refTo(name))
    }
  }
  return out
}

const SCHEMA_REF = /^#\/components\/schemas\/(.+)$/

/**
 * A `oneOf` of references to named objects told apart by a constant property gets an OpenAPI `discriminator` with
 * its mapping, so code generators produce a tagged union.
 */
export const addDiscriminators = (schemas: Record<string, JsonObject>): Record<string, JsonObject> => {
  const withDiscriminator = (schema: JsonObject): JsonObject => {
    const { oneOf } = schema
    if (!Array.isArray(oneOf) || schema.discriminator !== undefined) return schema
    const targets = oneOf.map((branch) => {
      const match = isJsonObject(branch) && Object.keys(branch).length === 1 && typeof branch.$ref === 'string'
        ? SCHEMA_REF.exec(branch.$ref)
        : null
      return match?.[1] !== undefined ? { ref: (branch as JsonObject).$ref as string, schema: schemas[match[1]] } : undefined
    })
    if (targets.some((t) => t?.schema === undefined)) return schema
    const resolved = targets as Array<{ ref: string; schema: JsonObject }>
    const propertyName = discriminatorOf(resolved.map((t) => t.schema))
    if (propertyName === undefined) return schema
    const mapping: JsonObject = {}
    for (const target of resolved) {
      const properties = target.schema.properties as JsonObject
      mapping[(properties[propertyName] as JsonObject).const as string] = target.ref
    }
    return orderKeywords({ ...schema, discriminator: { propertyName, mapping } })
  }
  const out: Record<string, JsonObject> = {}
  for (const [name, schema] of Object.entries(schemas)) out[name] = transformSchema(schema, withDiscriminator)
  return out
}
