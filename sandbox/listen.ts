/* Listening on 127.0.0.1 only, with a port clash reported as an error that names the port and what wanted it. */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly what: string
  ) {
    super(`Port ${port} (${what}) is already in use on 127.0.0.1`)
  }
}

const isPortInUse = (error: unknown): boolean =>
  error instanceof Error && 'code' in error && (error.code === 'EADDRINUSE' || error.code === 'EACCES')

/** A port clash of `start` becomes a `PortInUseError` naming `what` (the outermost name wins); other errors pass. */
export const namingPort = async <T>(port: number, what: string, start: () => Promise<T>): Promise<T> => {
  try {
    return await start()
  } catch (error) {
    throw isPortInUse(error) || error instanceof PortInUseError ? new PortInUseError(port, what) : error
  }
}

/** Resolves with the server's base URL once it listens on 127.0.0.1:`port` (0: any free port). */
export const listenOnLoopback = (server: Server, port: number, what: string): Promise<string> =>
  namingPort(
    port,
    what,
    () =>
      new Promise<string>((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject)
          resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
        })
      })
  )
