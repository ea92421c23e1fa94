/*
 * Secrets as they may come back in a helpdesk's answer: as sent, JSON-escaped (once or twice: a JSON string quoted
 * inside another), URL-encoded, base64-encoded, or as the key bytes of a `whsec_` secret in base64 or hex. Credentials
 * in an `Authorization`-style value (`Bearer …`, `Basic …`) are removed whatever they hold, so that a
 * `Basic` header built from a secret and a user name cannot carry it out either.
 */

const MIN_LENGTH = 4
const jsonEscaped = (text: string) => JSON.stringify(text).slice(1, -1)

const formsOf = (secret: string): string[] => {
  const values = [secret]
  if (secret.startsWith('whsec_')) {
    const key = secret.slice('whsec_'.length)
    const bytes = Buffer.from(key, 'base64')
    values.push(key, bytes.toString('hex'), bytes.toString('base64url'))
  }
  const forms = new Set<string>()
  for (const value of values) {
    for (const form of [
      value,
      jsonEscaped(value),
      jsonEscaped(jsonEscaped(value)),
      encodeURIComponent(value),
      encodeURIComponent(value).replace(/%20/g, '+'),
      encodeURI(value),
      Buffer.from(value).toString('base64').replace(/=+$/, ''),
    ]) {
      if (form.length >= MIN_LENGTH) forms.add(form)
    }
  }
  // longest first, so that a form containing a shorter one is removed whole
  return [...forms].sort((a, b) => b.length - a.length)
}

/**
 * `Bearer <value>` or `Basic <value>` (also URL-encoded): a value of 8 characters or more with a digit or a symbol
 * is a credential (a plain word, as in "Basic authentication required", is not).
 */
const CREDENTIAL = /\b(Bearer|Basic)(\s+|%20|\+)(?=[A-Za-z]*[0-9._~+/=%:-])[A-Za-z0-9._~+/=%:-]{8,}/gi

export type Redact = (text: string) => string

/** A function that removes every form of the given secrets (and any credential value) from a text. */
export const redactorFor = (secrets: ReadonlyArray<string | undefined>): Redact => {
  const forms = secrets.flatMap((secret) => (secret ? formsOf(secret) : []))
  return (text) => {
    let out = text
    for (const form of forms) out = out.split(form).join('[redacted]')
    return out.replace(CREDENTIAL, (_, scheme: string, gap: string) => `${scheme}${gap}[redacted]`)
  }
}

