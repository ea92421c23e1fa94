import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type LoopbackHandler = (req: IncomingMessage & { rawBody: string }, res: ServerResponse, attempt: number) => void

/** A real HTTP server on 127.0.0.1 for what nock cannot fake faithfully: reset connections, refused ports. */
export const startLoopback = async (handler: LoopbackHandler) => {
  let attempt = 0
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => handler(Object.assign(req, { rawBody: Buffer.concat(chunks).toString('utf8') }), res, ++attempt))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    attempts: () => attempt,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** A port nothing listens on: connecting to it is refused at once. */
export const refusedUrl = async () => {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}
