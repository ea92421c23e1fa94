/** Minimal body/query readers that answer `InvalidPayload` like the real API would. */
import { invalidPayload } from './errors'
import type { JsonObject, Tags } from './types'

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export function asObject(value: unknown, field: string): JsonObject {
  if (!isObject(value)) throw invalidPayload(`"${field}" must be an object`)
  return value
}

export function optObject(obj: JsonObject, key: string): JsonObject | undefined {
  const value = obj[key]
  if (value === undefined || value === null) return undefined
  return asObject(value, key)
}

export function reqString(obj: JsonObject, key: string, field: string = key): string {
  const value = obj[key]
  if (typeof value !== 'string' || value.length === 0) throw invalidPayload(`"${field}" is required and must be a non-empty string`)
  return value
}

export function optString(obj: JsonObject, key: string, field: string = key): string | undefined {
  const value = obj[key]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw invalidPayload(`"${field}" must be a string`)
  return value
}

/** `undefined` = not given, `null` = explicitly cleared. */
export function optNullableString(obj: JsonObject, key: string): string | null | undefined {
  const value = obj[key]
  if (value === null) return null
  return optString(obj, key)
}

export function isTags(value: unknown): value is Tags {
  return isObject(value) && Object.values(value).every((v) => typeof v === 'string')
}

export function optTags(obj: JsonObject, key: string, field: string = key): Tags | undefined {
  const value = obj[key]
  if (value === undefined) return undefined
  if (!isTags(value)) throw invalidPayload(`"${field}" must be an object of string values`)
  return { ...value }
}

export function reqTags(obj: JsonObject, key: string, field: string = key): Tags {
  const tags = optTags(obj, key, field)
  if (tags === undefined) throw invalidPayload(`"${field}" is required`)
  return tags
}

export function optNullableRecord(obj: JsonObject, key: string): Record<string, string | null> | undefined {
  const value = obj[key]
  if (value === undefined) return undefined
  if (!isObject(value) || !Object.values(value).every((v) => typeof v === 'string' || v === null)) {
    throw invalidPayload(`"${key}" must be an object of string (or null) values`)
  }
  const out: Record<string, string | null> = {}
  for (const [k, v] of Object.entries(value)) out[k] = typeof v === 'string' ? v : null
  return out
}

export function optStringArray(obj: JsonObject, key: string, field: string = key): string[] | undefined {
  const value = obj[key]
  if (value === undefined) return undefined
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw invalidPayload(`"${field}" must be an array of strings`)
  }
  return [...value]
}

export function reqPayload(obj: JsonObject, key: string = 'payload', field: string = key): JsonObject {
  const value = obj[key]
  if (!isObject(value)) throw invalidPayload(`"${field}" is required and must be an object`)
  return value
}

export function optNumber(obj: JsonObject, key: string): number | null | undefined {
  const value = obj[key]
  if (value === undefined || value === null) return value
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidPayload(`"${key}" must be a number`)
  return value
}

/**
 * Reads the query string as `@botpress/client` writes it: `qs.stringify(query, { arrayFormat: 'repeat', allowDots: true })`,
 * i.e. `tags.<key>=<value>` for records and `participantIds=a&participantIds=b` for arrays.
 */
export interface ParsedQuery {
  get(key: string): string | undefined
  getAll(key: string): string[]
  record(prefix: string): Record<string, string> | undefined
  toObject(): Record<string, string | string[]>
}

export function parseQuery(search: URLSearchParams): ParsedQuery {
  return {
    get: (key) => search.get(key) ?? undefined,
    getAll: (key) => search.getAll(key),
    record: (prefix) => {
      const out: Record<string, string> = {}
      let found = false
      for (const [key, value] of search) {
        if (key.startsWith(`${prefix}.`)) {
          out[key.slice(prefix.length + 1)] = value
          found = true
        }
      }
      return found ? out : undefined
    },
    toObject: () => {
      const out: Record<string, string | string[]> = {}
      for (const [key, value] of search) {
        const prev = out[key]
        out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value]
      }
      return out
    },
  }
}
