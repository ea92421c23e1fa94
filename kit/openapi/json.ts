/** JSON values, as the OpenAPI document holds them. */
export type Json = null | boolean | number | string | Json[] | JsonObject
export type JsonObject = { [key: string]: Json }

export const isJsonObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Checks that a value is plain JSON (no undefined, function, class instance, NaN) and returns a deep copy of it. */
export const toJson = (value: unknown, path = '$'): Json => {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${path} is not a finite number`)
    return value
  }
  if (Array.isArray(value)) return value.map((item, i) => toJson(item, `${path}[${i}]`))
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: JsonObject = {}
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue
      out[key] = toJson(item, `${path}.${key}`)
    }
    return out
  }
  throw new Error(`${path} is not JSON (${typeof value})`)
}

/** Key-order independent serialization, to compare two JSON values. */
export const canonicalJson = (value: Json): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (isJsonObject(value)) {
    const keys = Object.keys(value).sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as Json)}`).join(',')}}`
  }
  return JSON.stringify(value)
}
