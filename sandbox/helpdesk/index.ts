/*
 * Reference helpdesk: a small, real implementation of the helpdesk side of the wire contract
 * (docs/contract.md), for the sandbox, the tests, and as an example for helpdesk teams.
 *
 *   server.ts          the request pipeline: signature, bearer token, idempotency, routing
 *   verify.ts          Standard Webhooks signature + bearer token checks
 *   routes.ts          GET /health, POST /users, /conversations, /conversations/{id}/messages, /close
 *   store.ts           users, tickets, first answers per webhook-id, event deliveries (in memory)
 *   agent.ts           what an agent does: reply, assign, close, and the event each one sends
 *   webhook-sender.ts  signed event delivery with retries
 *   agent-routes.ts    the agent console's HTTP API and page (not part of the contract)
 */
export { startReferenceHelpdesk, type ReferenceHelpdesk, type ReferenceHelpdeskOptions } from './server'
export type { AgentMessage } from './agent'
export { AgentActionError } from './agent'
export type { Answer, Change, Delivery, HelpdeskStoreView, MessageAuthor, Ticket, TicketMessage, TicketStatus, User } from './store'
export type { WebhookRetry } from './webhook-sender'
