/**
 * Tags as Botpress Cloud scopes them per integration installation: an integration reads and writes its tags without
 * a prefix, and they are kept under its own prefix (`<alias>:<tag>`), so that two installations in one bot (aliases
 * `hitl` and `hitl-b`) never see, match or overwrite each other's tags. Bots (no integration header) see the stored
 * keys as they are.
 *
 * One simplification keeps the store readable in tests: the primary installation (the server's `integrationName`,
 * `hitl` by default) keeps its tags unprefixed in the store; every other installation's carry their prefix.
 * Isolation is the same either way: each installation sees only its own tags.
 */
import type { JsonObject } from './types'
import { isObject } from './validate'

export type TagScope = {
  /** rewrites the tag keys of a request body (entity tags, discriminateByTags, nested user/conversation/message) */
  body(body: unknown): unknown
  /** rewrites `tags.<key>` query parameters */
  query(params: URLSearchParams): URLSearchParams
  /** keeps only the caller's own tags in a response, without their prefix */
  response(result: unknown): unknown
}

const NESTED = ['user', 'conversation', 'message'] as const
const ENTITY_KEYS = ['user', 'conversation', 'message'] as const
const LIST_KEYS = ['users', 'conversations', 'messages'] as const

export function tagScope(installation: string | undefined, primary: string): TagScope | undefined {
  if (installation === undefined) return undefined
  const prefix = installation === primary ? '' : `${installation}:`
  const stored = (key: string) => `${prefix}${key}`
  const mine = (key: string) => (prefix ? key.startsWith(prefix) : !key.includes(':'))
  const visible = (key: string) => key.slice(prefix.length)

  const scopeTags = (tags: unknown) =>
    isObject(tags) ? Object.fromEntries(Object.entries(tags).map(([k, v]) => [stored(k), v])) : tags
  const scopeObject = (obj: JsonObject): JsonObject => {
    const out: JsonObject = { ...obj }
    if ('tags' in out) out['tags'] = scopeTags(out['tags']) as JsonObject
    const discriminate = out['discriminateByTags']
    if (Array.isArray(discriminate)) out['discriminateByTags'] = discriminate.map((k) => (typeof k === 'string' ? stored(k) : k))
    return out
  }
  const filterEntity = (entity: unknown) => {
    if (!isObject(entity) || !isObject(entity['tags'])) return entity
    const tags = Object.fromEntries(Object.entries(entity['tags']).filter(([k]) => mine(k)).map(([k, v]) => [visible(k), v]))
    return { ...entity, tags }
  }

  return {
    body: (body) => {
      if (!isObject(body) || !prefix) return body
      const out = scopeObject(body)
      for (const key of NESTED) if (isObject(out[key])) out[key] = scopeObject(out[key] as JsonObject)
      return out
    },
    query: (params) => {
      if (!prefix) return params
      const out = new URLSearchParams()
      for (const [k, v] of params) out.append(k.startsWith('tags.') ? `tags.${stored(k.slice(5))}` : k, v)
      return out
    },
    response: (result) => {
      if (!isObject(result)) return result
      const out: JsonObject = { ...result }
      for (const key of ENTITY_KEYS) if (key in out) out[key] = filterEntity(out[key]) as JsonObject
      for (const key of LIST_KEYS) if (Array.isArray(out[key])) out[key] = (out[key] as unknown[]).map(filterEntity) as JsonObject[]
      return out
    },
  }
}
