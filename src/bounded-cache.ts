/**
 * A memo by string key that keeps at most `max` entries: a warm runtime serves one configuration, so the cache stays
 * at one entry, and the bound only guards against a runtime that sees many.
 */
export const boundedCache = <V>(max = 16) => {
  const entries = new Map<string, V>()
  return (key: string, build: () => V): V => {
    let value = entries.get(key)
    if (value === undefined) {
      if (entries.size >= max) entries.clear()
      value = build()
      entries.set(key, value)
    }
    return value
  }
}
