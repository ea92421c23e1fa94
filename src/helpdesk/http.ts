import axios, { AxiosError, isAxiosError, type AxiosInstance } from 'axios'
import axiosRetry, { exponentialDelay, retryAfter } from 'axios-retry'
import http from 'node:http'
import https from 'node:https'
import { boundedCache } from '../bounded-cache'
import { MAX_ANSWER_BYTES } from '../../contract/helpdesk-api'
import { classify, isTransient } from '../failures/classify'
import { clock } from './clock'
import { helpdeskUrlRefusal } from './address-rules'
import { ADDRESS_REFUSED, guardedLookup } from './guarded-lookup'
import { signRequest } from '../../contract/signature'

/** Retries stay inside `budgetMs`, which leaves room in the Botpress action time limit for the rest of an action. */
export type RetryPolicy = { retries: number; baseDelayMs: number; budgetMs: number }
export const defaultRetryPolicy: RetryPolicy = { retries: 4, baseDelayMs: 250, budgetMs: 25_000 }

export type HttpOptions = {
  baseUrl: string
  /** Sent on every call, e.g. `authorization`; a product's own auth header goes here. */
  headers?: Record<string, string>
  /** When set, every attempt is signed with Standard Webhooks (the contract); products without it leave it out. */
  webhookSecret?: string
  timeoutMs: number
  retry?: RetryPolicy
}

export type RetryListener = (info: { call: string; attempt: number; reason: string }) => void

type CallState = { name: string; startedAt: number; webhookId: string; onRetry?: RetryListener }

declare module 'axios' {
  interface AxiosRequestConfig {
    helpdeskCall?: CallState
  }
}

const MAX_JITTER = 1.2 // exponentialDelay adds up to 20%

export const attemptsOf = (error: unknown): number => {
  if (!isAxiosError(error)) return 1
  const state = (error.config as { 'axios-retry'?: { retryCount?: number } } | undefined)?.['axios-retry']
  return (state?.retryCount ?? 0) + 1
}

const instances = boundedCache<AxiosInstance>()

/** One instance per configuration, reused across requests of a warm runtime (building one costs more than a call). */
export const httpFor = (options: HttpOptions): AxiosInstance =>
  instances(JSON.stringify(options), () => createHttp(options))

/**
 * An axios instance that signs every attempt (Standard Webhooks, same `webhook-id` on every retry), sends the bearer
 * token, bounds each attempt by the timeout and the whole call by the retry budget.
 */
const createHttp = (options: HttpOptions): AxiosInstance => {
  const policy = options.retry ?? defaultRetryPolicy
  const instance = axios.create({
    baseURL: options.baseUrl.replace(/\/+$/, ''),
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': 'botpress-hitl-integration',
      ...options.headers,
    },
    maxRedirects: 0,
    // every connection checks the addresses its host resolves to (the same rules as the configured URL)
    httpAgent: new http.Agent({ keepAlive: true, lookup: guardedLookup }),
    httpsAgent: new https.Agent({ keepAlive: true, lookup: guardedLookup }),
    maxContentLength: MAX_ANSWER_BYTES,
    responseType: 'json',
    transitional: { silentJSONParsing: true, forcedJSONParsing: true, clarifyTimeoutError: true },
  })

  instance.interceptors.request.use((config) => {
    const call = config.helpdeskCall
    if (!call) throw new Error('helpdesk request without call state')
    // an IP address in the URL is connected to without a lookup: the address rules are checked here for it
    const refusal = helpdeskUrlRefusal(options.baseUrl)
    if (refusal) throw new AxiosError(`${refusal.message} (rule: ${refusal.rule})`, ADDRESS_REFUSED, config)
    const remaining = policy.budgetMs - (clock().now() - call.startedAt)
    config.timeout = Math.max(1, Math.floor(Math.min(options.timeoutMs, remaining)))
    if (options.webhookSecret) {
      const body = typeof config.data === 'string' ? config.data : ''
      for (const [name, value] of Object.entries(signRequest(options.webhookSecret, call.webhookId, body))) {
        config.headers.set(name, value)
      }
    }
    return config
  })

  axiosRetry(instance, {
    retries: policy.retries,
    shouldResetTimeout: true,
    retryCondition: (error) => {
      if (!isTransient(classify(error))) return false
      const call = error.config?.helpdeskCall
      if (!call) return false
      const nextRetry = attemptsOf(error)
      const wait = Math.max(policy.baseDelayMs * 2 ** nextRetry * MAX_JITTER, retryAfter(error))
      return clock().now() - call.startedAt + wait < policy.budgetMs
    },
    // axios-retry waits with its own timer; it gets 0 and the wait happens in onRetry, on the injectable clock
    retryDelay: () => 0,
    onRetry: async (retryCount, error) => {
      const reason = error.response ? `answered ${error.response.status}` : `failed (${error.code ?? error.message})`
      const call = error.config?.helpdeskCall
      call?.onRetry?.({ call: call.name, attempt: retryCount + 1, reason })
      await clock().sleep(exponentialDelay(retryCount, error, policy.baseDelayMs))
    },
  })
  return instance
}
