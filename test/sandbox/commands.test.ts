import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Io } from '../../kit/cli-util'
import { startReferenceHelpdesk } from '../../sandbox/helpdesk'
import { CANNOT_START, startCommand } from '../../sandbox/main'
import { newWebhookSecret } from '../../sandbox/start-sandbox'
import { main as conformance } from '../../kit/conformance/cli'
import { main as sendWebhook } from '../../kit/send-webhook/cli'
import { serveCommand } from '../../scripts/serve'

/*
 * `npm start` and `npm run serve` as a user runs them: their messages, their ports, and the kit commands they print.
 * What they print and refuse is checked in-process (`startCommand`, `serveCommand`); each script is also started once
 * as a process, to show that it runs them.
 */

const running: ChildProcess[] = []

type Run = { child: ChildProcess; out: () => string; exited: Promise<number | null> }

const run = (script: string, env: Record<string, string | undefined>): Run => {
  const clean = { ...process.env }
  for (const name of ['BP_API_URL', 'HELPDESK_URL', 'HELPDESK_SECRET', 'HELPDESK_TOKEN', 'PORT']) delete clean[name]
  // as `tsx <script>` does, in one node process instead of two
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  running.push(child)
  let out = ''
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, out: () => out, exited }
}

const waitFor = async (r: Run, pattern: RegExp, what: string): Promise<RegExpExecArray> => {
  const deadline = Date.now() + 30_000
  for (;;) {
    const match = pattern.exec(r.out())
    if (match) return match
    if (Date.now() > deadline || r.child.exitCode !== null) throw new Error(`no ${what} in:\n${r.out()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** A printed command line as argv: words, '…' and "…" quoted. */
const argvOf = (line: string) => [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!)

const capture = (env: Io['env'] = {}): Io & { text: () => string } => {
  let text = ''
  return { stdout: (t) => (text += t), stderr: (t) => (text += t), env, text: () => text }
}

/** What a started command leaves running, closed after each test. */
const started: Array<{ close: () => Promise<void> }> = []
const keep = <T>(result: T): T => {
  if (typeof result === 'object' && result !== null && 'close' in result) started.push(result as { close: () => Promise<void> })
  return result
}

let blocker: Server
let blockedPort: number
beforeAll(async () => {
  blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  blockedPort = (blocker.address() as AddressInfo).port
})
afterEach(async () => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGTERM')
  for (const one of started.splice(0)) await one.close()
})
afterAll(() => blocker.close())

const ANY_PORTS = { SANDBOX_PORT: '0', SANDBOX_HELPDESK_PORT: '0', SANDBOX_INTEGRATION_PORT: '0', SANDBOX_BOTPRESS_API_PORT: '0' }

describe('npm run serve', () => {
  it('refuses to start without BP_API_URL', async () => {
    const io = capture({})
    expect(keep(await serveCommand(io))).toBe(CANNOT_START)
    expect(io.text()).toMatch(/^BP_API_URL is not set: give the URL of the Botpress API/)
  })

  it('names the port and the variable that moves it when the port is taken', async () => {
    const io = capture({ BP_API_URL: 'http://127.0.0.1:9', PORT: String(blockedPort) })
    expect(keep(await serveCommand(io))).toBe(CANNOT_START)
    expect(io.text()).toContain(`Port ${blockedPort} (the integration) is already in use on 127.0.0.1`)
    expect(io.text()).toContain('PORT=<port> npm run serve')
    expect(io.text()).not.toMatch(/listening/)
  })

  it('refuses a PORT that is not a port', async () => {
    const io = capture({ BP_API_URL: 'http://127.0.0.1:9', PORT: 'eighty' })
    expect(keep(await serveCommand(io))).toBe(CANNOT_START)
    expect(io.text()).toContain('PORT=eighty is not a port number')
  })

  it('listens on 127.0.0.1, as a process', async () => {
    const r = run('scripts/serve.ts', { BP_API_URL: 'http://127.0.0.1:9', PORT: '0' })
    const [, url] = await waitFor(r, /listening on (http:\/\/127\.0\.0\.1:\d+) /, 'listening line')
    expect((await fetch(`${url}/health`)).status).toBe(200)
  }, 60_000)
})

describe('npm start', () => {
  it('says which variable moves a taken port', async () => {
    const io = capture({ ...ANY_PORTS, SANDBOX_INTEGRATION_PORT: String(blockedPort) })
    expect(keep(await startCommand(io))).toBe(CANNOT_START)
    expect(io.text()).toContain(`Port ${blockedPort} (the integration) is already in use on 127.0.0.1`)
    expect(io.text()).toContain('SANDBOX_INTEGRATION_PORT=<port> npm start')
  })

  it('refuses a port variable that is not a port', async () => {
    const io = capture({ ...ANY_PORTS, SANDBOX_PORT: 'eighty' })
    expect(keep(await startCommand(io))).toBe(CANNOT_START)
    expect(io.text()).toContain('SANDBOX_PORT=eighty is not a port number')
  })

  it('refuses HELPDESK_URL without HELPDESK_SECRET', async () => {
    const io = capture({ ...ANY_PORTS, HELPDESK_URL: 'http://127.0.0.1:9' })
    expect(keep(await startCommand(io))).toBe(CANNOT_START)
    expect(io.text()).toContain('HELPDESK_URL is set but HELPDESK_SECRET is not')
  })

  it('with HELPDESK_URL, prints the webhook URL, that it is loopback only and how to expose it, and no secret', async () => {
    const secret = newWebhookSecret()
    const theirs = await startReferenceHelpdesk({ secret, apiToken: 'their-token-123' })
    try {
      const io = capture({ ...ANY_PORTS, HELPDESK_URL: theirs.url, HELPDESK_SECRET: secret, HELPDESK_TOKEN: 'their-token-123' })
      expect(keep(await startCommand(io))).not.toBe(CANNOT_START)
      const out = io.text()
      expect(out).toContain('--token "$HELPDESK_TOKEN"')
      const [, port] = /Webhook URL: +http:\/\/127\.0\.0\.1:(\d+)\/webhook\/wh_sandbox/.exec(out)!
      expect(out).toContain(`Your helpdesk:   ${theirs.url}`)
      expect(out).toContain('only a helpdesk\n    running on this machine can call it')
      expect(out).toContain(`cloudflared tunnel --url http://127.0.0.1:${port}`)
      expect(out).toContain('<tunnel URL>/webhook/wh_sandbox')
      expect(out).not.toContain(secret)
      expect(out).not.toContain('their-token-123')
    } finally {
      await theirs.close()
    }
  })
  it('prints conformance and send-webhook command lines that pass against the reference helpdesk, as a process', async () => {
    const r = run('sandbox/main.ts', ANY_PORTS)
    const [, chatUrl] = await waitFor(r, /End-user chat: +(\S+)/, 'chat URL')
    const [, conformanceLine] = await waitFor(r, /npm run conformance -- (.+)\n/, 'conformance command')
    expect(r.out()).toContain('HITL_ALLOW_LOOPBACK_HELPDESK=1 npm run conformance')
    const checked = capture()
    expect(await conformance(argvOf(conformanceLine!), checked), checked.text()).toBe(0)

    const base = chatUrl!.replace(/\/chat$/, '')
    const escalate = await fetch(`${base}/chat/api/sessions/kit_session_1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: '/human' }),
    })
    expect(escalate.status).toBe(200)
    const [, sendLine] = await waitFor(r, /npm run send-webhook -- (.+)\n/, 'send-webhook command')
    expect(sendLine).toMatch(/ --reference '?[^ ]+\.[A-Za-z0-9_-]{22}'? /)
    const sent = capture()
    expect(await sendWebhook(argvOf(sendLine!), sent), sent.text()).toBe(0)
    const lastLine = async () =>
      ((await (await fetch(`${base}/chat/api/sessions/kit_session_1`)).json()) as { lines: Array<{ text: string }> }).lines.at(-1)?.text
    await expect.poll(lastLine).toBe('Hello from the kit')

    // the hop log: one formatted line per hop, the webhook before what it causes
    const lines = r.out().split('\n')
    const arrived = lines.findIndex((l) => /^\d\d:\d\d:\d\d\.\d{3}  helpdesk → integration  message\.created /.test(l))
    const shown = lines.findIndex((l) => /^\d\d:\d\d:\d\d\.\d{3}  plugin → end user +Kit: text "Hello from the kit"/.test(l))
    expect(arrived).toBeGreaterThan(0)
    expect(shown).toBeGreaterThan(arrived)
    expect(lines.filter((l) => /^Webhook /.test(l))).toEqual([])
    expect(lines.some((l) => /^\d\d:\d\d:\d\d\.\d{3}  integration → helpdesk  POST \/conversations → 200 \(\d+ ms\)$/.test(l))).toBe(true)
  }, 60_000)
})
