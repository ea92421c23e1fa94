import dns, { type LookupAddress } from 'node:dns'
import type { LookupFunction } from 'node:net'
import { addressRefusal } from './address-rules'

/** The code of the error a refused address fails the connection with; the failure classification reads it. */
export const ADDRESS_REFUSED = 'ERR_HITL_ADDRESS_REFUSED'

type Callback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/**
 * A DNS lookup for the HTTP agents of the helpdesk client: it resolves the host as usual, and fails the connection
 * when any address it resolved to is one the address rules forbid, so that no request leaves for it.
 */
export const guardedLookup = ((hostname: string, options: dns.LookupOptions, callback: Callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, [])
    for (const { address } of addresses) {
      const refusal = addressRefusal(address)
      if (refusal) {
        const refused: NodeJS.ErrnoException = new Error(
          `the host ${hostname} resolved to ${address}, which the ${refusal.rule} rule refuses (${refusal.message})`
        )
        refused.code = ADDRESS_REFUSED
        return callback(refused, [])
      }
    }
    const [first] = addresses
    if (options.all) return callback(null, addresses)
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), [])
    callback(null, first.address, first.family)
  })
}) as LookupFunction
