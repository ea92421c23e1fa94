import axios, { type AxiosAdapter, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios'

/*
 * Zero-latency stand-ins for the Botpress API and the helpdesk, installed as axios' default adapter: the integration's
 * requests (the SDK's Botpress client and the helpdesk client both use axios) are answered in-process with prepared
 * JSON, so no socket, no HTTP parsing and no waiting. The handler's latency against them is the integration's own
 * time: the SDK's dispatch, the integration's code, building the requests and parsing the answers.
 */

export const STUB_API_URL = 'http://127.0.0.1:9'
export const STUB_HELPDESK_URL = 'http://127.0.0.1:7'

const NOW = '2025-01-01T00:00:00.000Z'
const CONVERSATION = `{"id":"conv_stub","createdAt":"${NOW}","updatedAt":"${NOW}","channel":"hitl","integration":"hitl","tags":{"id":"hd_conv_stub"}}`
const LIST_CONVERSATIONS = `{"conversations":[${CONVERSATION}],"meta":{}}`
const USER = `{"id":"user_agent_stub","createdAt":"${NOW}","updatedAt":"${NOW}","name":"Grace Hopper","pictureUrl":"https://x.test/grace.png","tags":{"agentId":"agent_7","email":"grace@helpdesk.test"}}`
const initializeAnswer = (delivery: string) =>
  `{"user":${USER},"conversation":${CONVERSATION},"message":{"id":"msg_stub","createdAt":"${NOW}","updatedAt":"${NOW}","type":"text","payload":{"text":"hi"},"direction":"incoming","userId":"user_agent_stub","conversationId":"conv_stub","tags":{"id":"hd_msg","delivery":"${delivery}"}},"created":{"user":false,"conversation":false,"message":true}}`

export type StubCounts = { botpress: Map<string, number>; helpdesk: Map<string, number>; unexpected: string[] }

const bump = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1)

export const installStubs = (): { counts: StubCounts; uninstall: () => void } => {
  const counts: StubCounts = { botpress: new Map(), helpdesk: new Map(), unexpected: [] }
  const respond = (config: InternalAxiosRequestConfig, data: string, status = 200): AxiosResponse<string> => ({
    data,
    status,
    statusText: 'OK',
    headers: { 'content-type': 'application/json' },
    config,
    request: {},
  })

  const adapter: AxiosAdapter = async (config) => {
    const full = `${config.baseURL ?? ''}${config.url ?? ''}`
    const method = (config.method ?? 'get').toUpperCase()
    const path = (full.split('?')[0] ?? '').replace(/^http:\/\/127\.0\.0\.1:\d+/, '')
    const body = typeof config.data === 'string' ? config.data : ''
    if (full.startsWith(STUB_API_URL)) {
      if (method === 'GET' && path === '/v1/chat/conversations') {
        bump(counts.botpress, 'listConversations')
        return respond(config, LIST_CONVERSATIONS)
      }
      if (method === 'POST' && path === '/v1/chat/initialize-incoming-message') {
        bump(counts.botpress, 'initializeIncomingMessage')
        // the answer carries the request's delivery nonce, so the handler takes the "processed" path
        const delivery = /"delivery":"([^"]+)"/.exec(body)?.[1] ?? ''
        return respond(config, initializeAnswer(delivery))
      }
    }
    if (full.startsWith(STUB_HELPDESK_URL) && method === 'POST' && /^\/conversations\/[^/]+\/messages$/.test(path)) {
      bump(counts.helpdesk, 'POST /conversations/{id}/messages')
      return respond(config, '{"id":"hd_msg_stub"}')
    }
    counts.unexpected.push(`${method} ${full}`)
    throw new Error(`stub: unexpected request ${method} ${full}`)
  }

  const previous = axios.defaults.adapter
  axios.defaults.adapter = adapter
  return {
    counts,
    uninstall: () => {
      axios.defaults.adapter = previous
    },
  }
}
