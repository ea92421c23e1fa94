import { describe, expect, it } from 'vitest'
import definition from '../integration.definition'
import { configurationSchema } from '../definitions/configuration'
import { hitlInterface, hitlInterfacePackage } from '../definitions/interfaces/hitl'
import { existsSync, readFileSync } from 'node:fs'

type JsonSchema = {
  description?: string
  'x-zui'?: { title?: string; secret?: boolean }
  properties?: Record<string, JsonSchema>
}
type Schema = { toJSONSchema: () => unknown }

/** Every top-level field lacking a title or a description, as the Botpress CLI's lint would list them. */
const undocumentedFields = (where: string, schema: Schema): string[] => {
  const json = schema.toJSONSchema() as JsonSchema
  return Object.entries(json.properties ?? {}).flatMap(([name, field]) => [
    ...(field['x-zui']?.title ? [] : [`${where}.${name}: no title`]),
    ...(field.description ? [] : [`${where}.${name}: no description`]),
  ])
}
const undocumented = (where: string, item: { title?: string; description?: string }) => [
  ...(item.title ? [] : [`${where}: no title`]),
  ...(item.description ? [] : [`${where}: no description`]),
]

describe('integration definition', () => {
  it('is named hitl, points at its icon and hub page, and both exist', () => {
    expect(definition.name).toBe('hitl')
    expect(definition.version).toMatch(/^\d+\.\d+\.\d+$/)
    expect(definition.icon).toBe('icon.svg')
    expect(definition.readme).toBe('hub.md')
    expect(existsSync('icon.svg')).toBe(true)
    expect(readFileSync('hub.md', 'utf8').length).toBeGreaterThan(500)
  })

  it('gives every configuration field, action, event, channel, tag, state and entity a title and a description', () => {
    const problems = [
      ...undocumentedFields('configuration', definition.configuration!.schema),
      ...Object.entries(definition.actions ?? {}).flatMap(([name, action]) => [
        ...undocumented(`action ${name}`, action),
        ...undocumentedFields(`action ${name} input`, action.input.schema),
        ...undocumentedFields(`action ${name} output`, action.output.schema),
      ]),
      ...Object.entries(definition.events ?? {}).flatMap(([name, event]) => [
        ...undocumented(`event ${name}`, event),
        ...undocumentedFields(`event ${name}`, event.schema),
      ]),
      ...Object.entries(definition.channels ?? {}).flatMap(([name, channel]) => [
        ...undocumented(`channel ${name}`, channel),
        ...Object.entries(channel.conversation?.tags ?? {}).flatMap(([tag, t]) =>
          undocumented(`channel ${name} conversation tag ${tag}`, t)
        ),
        ...Object.entries(channel.message?.tags ?? {}).flatMap(([tag, t]) =>
          undocumented(`channel ${name} message tag ${tag}`, t)
        ),
      ]),
      ...Object.entries(definition.user?.tags ?? {}).flatMap(([tag, t]) => undocumented(`user tag ${tag}`, t)),
      ...Object.entries(definition.states ?? {}).flatMap(([name, state]) =>
        undocumentedFields(`state ${name}`, state.schema)
      ),
      ...Object.entries(definition.entities ?? {}).flatMap(([name, entity]) => [
        ...undocumented(`entity ${name}`, entity),
        ...undocumentedFields(`entity ${name}`, entity.schema),
      ]),
    ]
    expect(problems).toEqual([])
    expect(definition.channels?.hitl?.conversation?.tags).toHaveProperty('id')
    expect(definition.channels?.hitl?.message?.tags).toHaveProperty('id')
    expect(definition.user?.tags).toHaveProperty('id')
  })

  it('marks the API token and the webhook secret as secrets', () => {
    const json = configurationSchema.toJSONSchema() as JsonSchema
    expect(json.properties?.apiToken?.['x-zui']?.secret).toBe(true)
    expect(json.properties?.webhookSecret?.['x-zui']?.secret).toBe(true)
  })

  it('extends hitl@2.1.0 as an interface package with no id, entity alias hitl<hitlSession>', () => {
    expect(hitlInterfacePackage).toMatchObject({ type: 'interface', name: 'hitl', version: '2.1.0' })
    expect(hitlInterfacePackage).not.toHaveProperty('id')
    const extension = definition.interfaces?.['hitl<hitlSession>']
    expect(extension).toMatchObject({ name: 'hitl', version: '2.1.0', entities: { hitlSession: { name: 'hitlSession' } } })
    expect(extension?.id).toBeUndefined()
    expect(JSON.parse(JSON.stringify(extension))).not.toHaveProperty('id')
  })
})

describe('hitl interface 2.1.0, field for field', () => {
  const props = (schema: Schema) => Object.keys((schema.toJSONSchema() as JsonSchema).properties ?? {})
  const required = (schema: Schema) => ((schema.toJSONSchema() as { required?: string[] }).required ?? []).sort()

  it('declares the entity, the actions and their fields', () => {
    expect(Object.keys(hitlInterface.entities)).toEqual(['hitlSession'])
    expect(hitlInterface.entities.hitlSession.title).toBe('HITL session')
    const { createUser, startHitl, stopHitl } = hitlInterface.actions
    expect(createUser.title).toBe('Create external user')
    expect(props(createUser.input.schema)).toEqual(['name', 'pictureUrl', 'email'])
    expect(required(createUser.input.schema)).toEqual(['name'])
    expect(props(createUser.output.schema)).toEqual(['userId'])
    expect(startHitl.title).toBe('Start new HITL session')
    expect(props(startHitl.input.schema)).toEqual(['userId', 'title', 'description', 'hitlSession', 'messageHistory'])
    expect(required(startHitl.input.schema)).toEqual(['messageHistory', 'userId'])
    expect(props(startHitl.output.schema)).toEqual(['conversationId'])
    expect(stopHitl.title).toBe('Stop HITL session')
    expect(props(stopHitl.input.schema)).toEqual(['conversationId'])
    expect(props(stopHitl.output.schema)).toEqual([])
    for (const action of [createUser, startHitl, stopHitl]) {
      expect(action.attributes).toEqual({ bpActionHiddenInStudio: 'true' })
    }
  })

  it('declares the events', () => {
    expect(props(hitlInterface.events.hitlAssigned.schema)).toEqual(['conversationId', 'userId'])
    expect(props(hitlInterface.events.hitlStopped.schema)).toEqual(['conversationId'])
  })

  it('accepts every history message type with a user or bot source', () => {
    const schema = hitlInterface.actions.startHitl.input.schema
    const history = [
      { source: { type: 'bot' }, type: 'markdown', payload: { markdown: '**hi**' } },
      { source: { type: 'user', userId: 'u1' }, type: 'text', payload: { text: 'hello' } },
      { source: { type: 'bot' }, type: 'bloc', payload: { items: [{ type: 'markdown', payload: { markdown: 'x' } }] } },
      { source: { type: 'bot' }, type: 'choice', payload: { text: 'pick', options: [{ label: 'A', value: 'a' }] } },
    ]
    expect(schema.safeParse({ userId: 'u1', messageHistory: history }).success).toBe(true)
    expect(schema.safeParse({ userId: 'u1' }).success).toBe(false)
  })

  it('extends each channel message with userId and additionalData of at most 500 characters', () => {
    const messages = hitlInterface.channels.hitl.messages
    expect(Object.keys(messages)).toEqual(['text', 'image', 'audio', 'video', 'file', 'bloc'])
    const text = messages.text.schema
    expect(text.safeParse({ text: 'hi', userId: 'u', additionalData: 'x'.repeat(500) }).success).toBe(true)
    expect(text.safeParse({ text: 'hi', additionalData: 'x'.repeat(501) }).success).toBe(false)
    expect(text.safeParse({ text: '' }).success).toBe(false)
  })
})

describe('configuration', () => {
  const base = { helpdeskUrl: 'https://helpdesk.example.com/api', webhookSecret: `whsec_${Buffer.alloc(32, 1).toString('base64')}` }
  const parse = (patch: Record<string, unknown>) => configurationSchema.safeParse({ ...base, ...patch })

  it('applies defaults for the timeout and the history limit', () => {
    const result = parse({})
    expect(result.success && result.data).toMatchObject({ requestTimeoutMs: 10000, historyLimit: 100 })
  })

  it.each([
    ['https://helpdesk.example.com', true],
    ['http://localhost:8080/api', true],
    ['http://127.0.0.1:3000', true],
    ['http://[::1]:3000', true],
    ['http://helpdesk.example.com', false],
    ['ftp://helpdesk.example.com', false],
    ['https://user:pass@helpdesk.example.com', false],
    ['not a url', false],
  ])('helpdesk URL %s accepted: %s', (helpdeskUrl, accepted) => {
    expect(parse({ helpdeskUrl }).success).toBe(accepted)
  })

  it.each([
    [`whsec_${Buffer.alloc(24, 2).toString('base64')}`, true],
    [`whsec_${Buffer.alloc(8, 2).toString('base64')}`, false],
    [Buffer.alloc(32, 2).toString('base64'), false],
    ['whsec_not*base64!', false],
    ['', false],
  ])('webhook secret %s accepted: %s', (webhookSecret, accepted) => {
    const result = parse({ webhookSecret })
    expect(result.success).toBe(accepted)
    if (!result.success) expect(result.error.issues[0]?.message).toMatch(/whsec_/)
  })
})
