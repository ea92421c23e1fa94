/*
 * Reference helpdesk: two node:http helpers shared by the contract routes and the agent API.
 * Bodies are read as raw bytes (the signature is computed over them) with a size limit.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Answer } from './store'

export const MAX_BODY_BYTES = 1024 * 1024

/** The raw request body, or `undefined` when it is larger than `limit` bytes (answer 413). */
export const readBody = (req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) chunks.push(chunk)
    })
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)))
    req.on('error', reject)
  })

export const sendJson = (res: ServerResponse, answer: Answer): void => {
  const text = JSON.stringify(answer.body)
  res.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...answer.headers,
  })
  res.end(text)
}

/** A decoded path segment, or `undefined` when it is not valid percent-encoding. */
export const decodeSegment = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}
