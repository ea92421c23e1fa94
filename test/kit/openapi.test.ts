import { readFile } from 'node:fs/promises'
import { Validator } from '@seriousme/openapi-schema-validator'
import Ajv2020 from 'ajv/dist/2020'
import { describe, expect, it } from 'vitest'
import { createConversationRequestSchema, createMessageRequestSchema } from '../../contract/helpdesk-api'
import { webhookEventSchema } from '../../contract/webhook-events'
import { createConversationRequest, messageCases, sampleEvents } from '../../kit/fixtures'
import { buildOpenApiDocument } from '../../kit/openapi/build-document'
import { isJsonObject, type Json, type JsonObject } from '../../kit/openapi/json'
import { documentPath, REGENERATE_COMMAND, renderOpenApiDocument } from '../../kit/openapi/write'

const document = buildOpenApiDocument()
const DOC_ID = 'https://hitl.invalid/openapi.json'

/** JSON Schema 2020-12 (the OpenAPI 3.1 dialect) over the document's components, to run its schemas for real. */
const ajv = new Ajv2020({ strict: false, allErrors: true })
ajv.addSchema({ $id: DOC_ID, components: document.components }, DOC_ID)
const validatorFor = (schema: JsonObject) => {
  const ref = schema.$ref
  if (typeof ref === 'string') return ajv.getSchema(`${DOC_ID}${ref}`)
  return ajv.compile({ $id: `${DOC_ID}#inline`, ...schema })
}
const schemaRef = (name: string) => ajv.getSchema(`${DOC_ID}#/components/schemas/${name}`)

type Operation = { where: string; operation: JsonObject }

const operations = (): Operation[] => {
  const out: Operation[] = []
  for (const section of ['paths', 'webhooks'] as const) {
    const items = document[section]
    if (!isJsonObject(items)) continue
    for (const [path, item] of Object.entries(items)) {
      if (!isJsonObject(item)) continue
      for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
        const operation = item[method]
        if (isJsonObject(operation)) out.push({ where: `${section} ${method.toUpperCase()} ${path}`, operation })
      }
    }
  }
  return out
}

const resolve = (value: Json | undefined): JsonObject | undefined => {
  if (!isJsonObject(value)) return undefined
  if (typeof value.$ref !== 'string') return value
  let node: Json | undefined = document
  for (const part of value.$ref.replace(/^#\//, '').split('/')) node = isJsonObject(node) ? node[part] : undefined
  return resolve(node)
}

/** Every example in the document (request bodies and answers), with the schema it sits under. */
const examples = (): Array<{ where: string; schema: JsonObject; value: Json }> => {
  const out: Array<{ where: string; schema: JsonObject; value: Json }> = []
  const collect = (where: string, content: Json | undefined) => {
    if (!isJsonObject(content)) return
    for (const [type, media] of Object.entries(content)) {
      if (!isJsonObject(media) || !isJsonObject(media.schema) || !isJsonObject(media.examples)) continue
      for (const [name, example] of Object.entries(media.examples)) {
        if (isJsonObject(example) && example.value !== undefined) {
          out.push({ where: `${where} ${type} example ${name}`, schema: media.schema, value: example.value })
        }
      }
    }
  }
  for (const { where, operation } of operations()) {
    collect(`${where} request`, resolve(operation.requestBody)?.content)
    const responses = operation.responses
    if (isJsonObject(responses)) {
      for (const [status, response] of Object.entries(responses)) collect(`${where} ${status}`, resolve(response)?.content)
    }
  }
  return out
}

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator({ strict: false })
    const result = await validator.validate(structuredClone(document))
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(validator.version).toBe('3.1')
  })

  it('is the committed docs/openapi.json', async () => {
    const committed = await readFile(documentPath, 'utf8').catch(() => '(missing)')
    const generated = renderOpenApiDocument()
    expect(
      committed === generated,
      `docs/openapi.json differs from what contract/ generates: run \`${REGENERATE_COMMAND}\` (npx tsx kit/openapi/write.ts) and commit docs/openapi.json`
    ).toBe(true)
  })

  it('is stable: two builds give the same text', () => {
    expect(renderOpenApiDocument()).toBe(renderOpenApiDocument())
  })

  it('has no zui extension left', () => {
    expect(JSON.stringify(document)).not.toContain('x-zui')
  })

  it('lets both sides add fields: no schema forbids additional properties', () => {
    const closed: string[] = []
    const walk = (value: Json | undefined, where: string) => {
      if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${where}[${i}]`))
      if (!isJsonObject(value)) return
      if (value.additionalProperties === false || value.unevaluatedProperties === false) closed.push(where)
      for (const [key, item] of Object.entries(value)) walk(item, `${where}.${key}`)
    }
    walk(document, '$')
    expect(closed).toEqual([])
  })

  it('has the five helpdesk calls and the three webhook events, signed', () => {
    const where = operations().map((o) => o.where)
    expect(where).toEqual([
      'paths GET /health',
      'paths POST /users',
      'paths POST /conversations',
      'paths POST /conversations/{id}/messages',
      'paths POST /conversations/{id}/close',
      'webhooks POST message.created',
      'webhooks POST agent.assigned',
      'webhooks POST conversation.closed',
    ])
    for (const { where, operation } of operations()) {
      const names = (operation.parameters as Json[]).map((p) => resolve(p)).map((p) => p && [p.name, p.in, p.required])
      expect(names, where).toEqual([
        ['webhook-id', 'header', true],
        ['webhook-timestamp', 'header', true],
        ['webhook-signature', 'header', true],
      ])
    }
  })

  it('documents the answers of close and of the webhook', () => {
    const byWhere = Object.fromEntries(operations().map((o) => [o.where, o.operation]))
    const statuses = (where: string) => Object.keys(byWhere[where]?.responses as JsonObject)
    expect(statuses('paths POST /conversations/{id}/close')).toEqual(expect.arrayContaining(['200', '404', '409']))
    expect(statuses('webhooks POST message.created')).toEqual(
      expect.arrayContaining(['200', '400', '401', '404', '405', '409', '413', '503'])
    )
    expect(statuses('webhooks POST conversation.closed')).not.toContain('409')
  })

  it('makes the bearer token optional', () => {
    const security = operations()
      .filter((o) => o.where.startsWith('paths'))
      .map((o) => o.operation.security)
    for (const s of security) expect(s).toEqual([{}, { apiToken: [] }])
  })

  it('has examples that its own schemas accept', () => {
    const all = examples()
    expect(all.length).toBeGreaterThan(15)
    for (const { where, schema, value } of all) {
      const validate = validatorFor(schema)
      expect(validate, where).toBeDefined()
      expect(validate?.(value), `${where}: ${JSON.stringify(validate?.errors)}`).toBe(true)
    }
  })

  it('accepts what the zod schemas accept, and refuses what they refuse', () => {
    const ids = { botpressUserId: 'user_1', botpressConversationId: 'conv_1', helpdeskUserId: 'hd-1' }
    const conversation = createConversationRequest(ids)
    const cases: Array<{ name: string; value: unknown; zodOk: boolean }> = [
      { name: 'CreateConversationRequest', value: conversation, zodOk: true },
      {
        name: 'CreateConversationRequest',
        value: { ...conversation, messages: [{ ...conversation.messages[0], type: 'carousel' }] },
        zodOk: false,
      },
      ...messageCases('user_1', (n) => n).map((c) => ({ name: 'CreateMessageRequest', value: c.request, zodOk: true })),
      { name: 'CreateMessageRequest', value: { ...messageCases('user_1', (n) => n)[0]?.request, type: 'card' }, zodOk: false },
      { name: 'CreateMessageRequest', value: { ...messageCases('user_1', (n) => n)[0]?.request, additionalData: 'x'.repeat(501) }, zodOk: false },
      ...sampleEvents('hd-1').map((e) => ({ name: 'WebhookEvent', value: e, zodOk: true })),
      { name: 'WebhookEvent', value: { ...sampleEvents('hd-1')[1], addedLater: { x: 1 } }, zodOk: true },
      ...sampleEvents('hd-1', conversation.reference).map((e) => ({ name: 'WebhookEvent', value: e, zodOk: true })),
      { name: 'WebhookEvent', value: sampleEvents('hd-1', 'r'.repeat(201))[2], zodOk: false },
      { name: 'CreateConversationRequest', value: { ...conversation, reference: 'r'.repeat(201) }, zodOk: false },
      { name: 'WebhookEvent', value: { type: 'agent.assigned', conversationId: 'hd-1', agent: {} }, zodOk: false },
      {
        name: 'WebhookEvent',
        value: { type: 'message.created', conversationId: 'hd-1', agent: { id: 'a' }, message: { type: 'text', payload: { text: 'hi' } } },
        zodOk: false,
      },
    ]
    const zodFor: Record<string, { safeParse: (v: unknown) => { success: boolean } }> = {
      CreateConversationRequest: createConversationRequestSchema,
      CreateMessageRequest: createMessageRequestSchema,
      WebhookEvent: webhookEventSchema,
    }
    for (const { name, value, zodOk } of cases) {
      expect(zodFor[name]?.safeParse(value).success, `zod ${name} ${JSON.stringify(value).slice(0, 120)}`).toBe(zodOk)
      const validate = schemaRef(name)
      expect(validate?.(value), `OpenAPI ${name} ${JSON.stringify(value).slice(0, 120)}`).toBe(zodOk)
    }
  })
})
