import { describe, expect, it } from 'vitest'
import definition from '../../../integration.definition'
import { requestTrackerConfigurationSchema } from '../../../definitions/configurations/request-tracker'

/* The requestTracker configuration type as the Dev Console shows it, and the values it accepts. */

type JsonSchema = {
  description?: string
  required?: string[]
  'x-zui'?: { title?: string; secret?: boolean }
  properties?: Record<string, JsonSchema>
}

const valid = {
  requestTrackerUrl: 'https://rt.example.com',
  authToken: '12-34-abcdef',
  queue: 'Support',
  webhookSecret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`,
}

describe('requestTracker configuration type', () => {
  it('is offered next to the contract, with a title, a description and a title and description on every field', () => {
    const type = definition.configurations?.requestTracker
    expect(type).toMatchObject({ title: expect.any(String), description: expect.any(String) })
    const json = type!.schema.toJSONSchema() as JsonSchema
    expect(Object.keys(json.properties ?? {})).toEqual([
      'requestTrackerUrl',
      'authToken',
      'queue',
      'webhookSecret',
      'requestTimeoutMs',
      'historyLimit',
    ])
    const undocumented = Object.entries(json.properties ?? {}).filter(
      ([, field]) => !field['x-zui']?.title || !field.description
    )
    expect(undocumented).toEqual([])
    expect(json.properties?.authToken?.['x-zui']?.secret).toBe(true)
    expect(json.properties?.webhookSecret?.['x-zui']?.secret).toBe(true)
    expect(json.required?.sort()).toEqual(['authToken', 'queue', 'requestTrackerUrl', 'webhookSecret'])
  })

  it('applies the shared defaults', () => {
    const parsed = requestTrackerConfigurationSchema.parse(valid)
    expect(parsed).toMatchObject({ requestTimeoutMs: 10000, historyLimit: 100 })
  })

  it.each([
    ['https://rt.example.com/rt', true],
    ['http://127.0.0.1:8075', true],
    ['http://rt.example.com', false],
    ['https://root:secret@rt.example.com', false],
  ])('accepts the Request Tracker URL %s: %s', (requestTrackerUrl, accepted) => {
    expect(requestTrackerConfigurationSchema.safeParse({ ...valid, requestTrackerUrl }).success).toBe(accepted)
  })

  it('refuses an empty token or queue, and a secret that is not whsec_', () => {
    for (const patch of [{ authToken: '' }, { queue: '' }, { webhookSecret: 'secret' }]) {
      expect(requestTrackerConfigurationSchema.safeParse({ ...valid, ...patch }).success).toBe(false)
    }
  })
})
