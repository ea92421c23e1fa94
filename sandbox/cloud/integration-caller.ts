/*
 * Calls the integration's HTTP server exactly as Botpress Cloud does: a POST with the x-bp-* headers and the
 * operation's JSON body (action_triggered, message_created, webhook_received, register).
 */
export type IntegrationCallerOptions = {
  integrationUrl: string
  botId: string
  configuration: Record<string, unknown>
  /** One of the definition's additional configuration types; absent: the default (the hitl contract). */
  configurationType?: string
  webhookId: string
}

export type RawAnswer = { status: number; headers: Record<string, string>; body: string }

export class IntegrationCallError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

export const createIntegrationCaller = (options: IntegrationCallerOptions) => {
  const headers = (operation: string) => ({
    'content-type': 'application/json',
    'x-bp-operation': operation,
    'x-bp-type': operation,
    'x-bot-id': options.botId,
    'x-bot-user-id': `${options.botId}_user`,
    'x-integration-id': 'int_sandbox_hitl',
    'x-integration-alias': 'hitl',
    'x-webhook-id': options.webhookId,
    'x-bp-configuration': Buffer.from(JSON.stringify(options.configuration)).toString('base64'),
    ...(options.configurationType ? { 'x-bp-configuration-type': options.configurationType } : {}),
  })

  const call = async (operation: string, body: unknown): Promise<RawAnswer> => {
    const res = await fetch(options.integrationUrl, { method: 'POST', headers: headers(operation), body: JSON.stringify(body) })
    return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() }
  }

  const failIfError = (operation: string, answer: RawAnswer) => {
    if (answer.status < 400) return
    let message = answer.body
    try {
      message = (JSON.parse(answer.body) as { message?: string }).message ?? answer.body
    } catch {}
    throw new IntegrationCallError(operation, answer.status, message)
  }

  return {
    register: async (webhookUrl: string) => failIfError('register', await call('register', { webhookUrl })),
    action: async <O>(type: string, input: unknown): Promise<O> => {
      const answer = await call('action_triggered', { type, input })
      failIfError(`action ${type}`, answer)
      return (JSON.parse(answer.body) as { output: O }).output
    },
    messageCreated: async (body: { conversation: unknown; user: unknown; message: unknown; type: string; payload: unknown }) =>
      failIfError('message_created', await call('message_created', body)),
    webhook: (req: { method: string; path: string; query: string; headers: Record<string, string>; body: string }) =>
      call('webhook_received', { req }),
  }
}

export type IntegrationCaller = ReturnType<typeof createIntegrationCaller>
