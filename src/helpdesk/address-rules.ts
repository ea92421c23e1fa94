import { BlockList, isIP } from 'node:net'

/*
 * Where the integration may connect: a helpdesk URL chosen by whoever configures the integration must not turn it
 * into a tool for reaching the network it runs in (SSRF). The same rules apply to the URL when the configuration is
 * checked and to every address a host name resolves to when a connection is opened (a name that resolved to a public
 * address at save time may resolve to a private one later: DNS rebinding).
 */

/** The environment variable that allows a loopback helpdesk (the sandbox, the tests, the bench; never Botpress Cloud). */
export const LOOPBACK_OPT_IN = 'HITL_ALLOW_LOOPBACK_HELPDESK'

export const loopbackAllowed = (): boolean => process.env[LOOPBACK_OPT_IN] === '1'

type Rule = { name: string; what: string; v4: Array<[string, number]>; v6: Array<[string, number]> }

const RULES: Rule[] = [
  { name: 'loopback', what: 'a loopback address', v4: [['127.0.0.0', 8]], v6: [['::1', 128]] },
  { name: 'unspecified', what: 'an unspecified address', v4: [['0.0.0.0', 8]], v6: [['::', 128]] },
  {
    name: 'private',
    what: 'a private address',
    v4: [
      ['10.0.0.0', 8],
      ['172.16.0.0', 12],
      ['192.168.0.0', 16],
    ],
    v6: [['fc00::', 7]],
  },
  {
    name: 'link-local',
    what: 'a link-local address (where cloud metadata services such as 169.254.169.254 live)',
    v4: [['169.254.0.0', 16]],
    v6: [['fe80::', 10]],
  },
  { name: 'carrier-grade NAT', what: 'a carrier-grade NAT (shared) address', v4: [['100.64.0.0', 10]], v6: [] },
  { name: 'multicast', what: 'a multicast address', v4: [['224.0.0.0', 4]], v6: [['ff00::', 8]] },
  {
    name: 'reserved',
    what: 'a reserved address (broadcast, documentation, benchmarking or protocol range)',
    v4: [
      ['240.0.0.0', 4],
      ['192.0.0.0', 24],
      ['192.0.2.0', 24],
      ['198.18.0.0', 15],
      ['198.51.100.0', 24],
      ['203.0.113.0', 24],
    ],
    v6: [
      ['2001:db8::', 32],
      ['fec0::', 10],
      ['64:ff9b::', 96],
      ['100::', 64],
    ],
  },
]

const lists = RULES.map((rule) => {
  const list = new BlockList()
  for (const [network, prefix] of rule.v4) list.addSubnet(network, prefix, 'ipv4')
  for (const [network, prefix] of rule.v6) list.addSubnet(network, prefix, 'ipv6')
  return { rule, list }
})

/** Host names of cloud metadata services, which answer with credentials to whoever asks from inside. */
const METADATA_HOSTS = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.com',
  'metadata.tencentyun.com',
  'instance-data',
  'instance-data.ec2.internal',
])

/** Which rule refused, and why in words (`10.0.0.7 is a private address`, for an error that names the field). */
export type Refusal = { rule: string; message: string }

const loopbackHint = `loopback is allowed only when the environment variable ${LOOPBACK_OPT_IN}=1 is set, for local development`

/** Why the integration must not connect to this IP address, or undefined when it may. */
export const addressRefusal = (address: string): Refusal | undefined => {
  const family = isIP(address)
  if (family === 0) return undefined
  const found = lists.find(({ list }) => list.check(address, family === 4 ? 'ipv4' : 'ipv6'))
  if (!found) return undefined
  if (found.rule.name === 'loopback' && loopbackAllowed()) return undefined
  const hint = found.rule.name === 'loopback' ? `; ${loopbackHint}` : ''
  return { rule: found.rule.name, message: `${address} is ${found.rule.what}${hint}` }
}

/** The host exactly as written in the URL (before the URL parser rewrites `0x7f.1` into `127.0.0.1`). */
const writtenHost = (url: string): string | undefined => {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url)?.[1]
  if (authority === undefined) return undefined
  const host = authority.slice(authority.lastIndexOf('@') + 1)
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '')
}

/**
 * Why a helpdesk URL is refused (which rule, and what to do), or undefined when it is allowed. A host name that is
 * not an IP address is allowed here; the addresses it resolves to are checked when connecting.
 */
export const helpdeskUrlRefusal = (url: string): Refusal | undefined => {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return { rule: 'syntax', message: 'is not a valid URL' }
  }
  const written = (writtenHost(url) ?? '').toLowerCase()
  const host = parsed.hostname.toLowerCase()
  const literal = host.startsWith('[') ? host.slice(1, -1) : host
  if (isIP(literal) === 4 && written !== host) {
    return {
      rule: 'numeric IP spelling',
      message: `the host ${written} is an IP address written in a numeric, hex, octal or shortened form (it means ${host}); write a host name`,
    }
  }
  if (isIP(literal) !== 0) {
    const refusal = addressRefusal(literal)
    return refusal && { rule: refusal.rule, message: `the host ${refusal.message}` }
  }
  const name = host.replace(/\.$/, '')
  if (METADATA_HOSTS.has(name)) {
    return { rule: 'metadata host', message: `the host ${name} is a cloud metadata service` }
  }
  if ((name === 'localhost' || name.endsWith('.localhost')) && !loopbackAllowed()) {
    return { rule: 'loopback', message: `the host ${name} is this machine; ${loopbackHint}` }
  }
  return undefined
}
