import { describe, expect, it } from 'vitest'
import definition from '../../../integration.definition'
import { parseChatwootConfiguration } from '../../../src/helpdesks/chatwoot/config'

type JsonSchema = { description?: string; 'x-zui'?: { title?: string; secret?: boolean }; properties?: Record<string, JsonSchema> }

const valid = {
  chatwootUrl: 'https://app.chatwoot.com',
  accountId: 7,
  inboxId: 3,
  accessToken: 'tok_abc123',
  webhookSecret: 'whatever-chatwoot-shows',
}

const refusal = (raw: unknown) => {
  try {
    parseChatwootConfiguration(raw)
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
  throw new Error('expected the configuration to be refused')
}

describe('configuration type chatwoot', () => {
  const chatwoot = definition.configurations?.chatwoot

  it('is offered next to the default configuration, every field titled and described, secrets marked', () => {
    expect(chatwoot).toMatchObject({ title: 'Chatwoot', description: expect.any(String) })
    const json = chatwoot!.schema.toJSONSchema() as JsonSchema
    expect(Object.keys(json.properties ?? {})).toEqual([
      'chatwootUrl',
      'accountId',
      'inboxId',
      'accessToken',
      'webhookSecret',
      'allowUnsignedWebhooks',
      'requestTimeoutMs',
      'historyLimit',
    ])
    for (const [name, field] of Object.entries(json.properties ?? {})) {
      expect(field['x-zui']?.title, name).toBeTruthy()
      expect(field.description, name).toBeTruthy()
    }
    expect(json.properties?.accessToken?.['x-zui']?.secret).toBe(true)
    expect(json.properties?.webhookSecret?.['x-zui']?.secret).toBe(true)
  })

  it('fills the shared defaults and keeps unsigned webhooks off unless asked', () => {
    expect(parseChatwootConfiguration(valid)).toMatchObject({ requestTimeoutMs: 10000, historyLimit: 100, allowUnsignedWebhooks: false })
  })

  it.each([
    [{ chatwootUrl: 'http://chat.example.com' }, 'chatwootUrl: must be an https:// URL'],
    [{ chatwootUrl: 'https://user:pw@chat.example.com' }, 'chatwootUrl: must be an https:// URL'],
    [{ chatwootUrl: 'https://chat.example.com/api/v1' }, 'chatwootUrl: must be the address of Chatwoot itself, without /api'],
    [{ accountId: 0 }, 'accountId'],
    [{ inboxId: 'three' }, 'inboxId'],
    [{ accessToken: '' }, 'accessToken'],
    [{ webhookSecret: undefined }, 'webhookSecret: is required'],
  ])('refuses %o, naming the field', (patch, expected) => {
    const message = refusal({ ...valid, ...patch })
    expect(message).toContain(expected)
    expect(message).not.toContain('tok_abc123')
  })

  it('accepts no webhook secret only with the explicit opt-in for unsigned webhooks', () => {
    expect(parseChatwootConfiguration({ ...valid, webhookSecret: undefined, allowUnsignedWebhooks: true }).webhookSecret).toBeUndefined()
    expect(parseChatwootConfiguration({ ...valid, chatwootUrl: 'http://localhost:3000' }).chatwootUrl).toBe('http://localhost:3000')
  })
})
