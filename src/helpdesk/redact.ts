/** Removes every configured secret (and the key inside a `whsec_` secret) from a text meant for logs or errors. */
export const redactSecrets = (text: string, secrets: ReadonlyArray<string | undefined>): string => {
  let out = text
  for (const secret of secrets) {
    if (!secret) continue
    const forms = secret.startsWith('whsec_') ? [secret, secret.slice('whsec_'.length)] : [secret]
    for (const form of forms) if (form.length >= 4) out = out.split(form).join('[redacted]')
  }
  return out
}
