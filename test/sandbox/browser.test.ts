import { mkdirSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../../sandbox/start-sandbox'

/* One whole session clicked through both pages in Debian's Chromium; screenshots go to test-results/. */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const SHOTS = 'test-results'

let sandbox: Sandbox
let browser: Browser

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, integrationPort: 0, helpdeskPort: 0, botpressApiPort: 0, hop: () => {} })
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  mkdirSync(SHOTS, { recursive: true })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await sandbox?.close()
})

const byTestId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`)

it('runs a whole session by clicking the chat and the agent console', async () => {
  const chat = await browser.newPage({ viewport: { width: 760, height: 720 } })
  await chat.goto(`${sandbox.chatUrl}?session=browser_session_1`)
  await byTestId(chat, 'chat-input').fill('Hello, my parcel is late')
  await byTestId(chat, 'chat-send').click()
  await expect.poll(() => byTestId(chat, 'chat-line-bot').count()).toBe(2)
  await byTestId(chat, 'chat-human').click()
  await expect.poll(() => byTestId(chat, 'chat-status').getAttribute('data-status')).toBe('waiting')

  const agent = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  await agent.goto(sandbox.agentConsoleUrl!)
  await byTestId(agent, 'ticket-row').first().click()
  await expect.poll(() => byTestId(agent, 'message-list').innerText()).toContain('Hello, my parcel is late')
  await byTestId(agent, 'agent-name').fill('Grace Hopper')
  await byTestId(agent, 'assign-button').click()
  await expect.poll(() => byTestId(chat, 'chat-status').innerText()).toBe('With Grace Hopper')

  await byTestId(agent, 'reply-input').fill('Hi! I am Grace. Here is where your parcel is:')
  await byTestId(agent, 'send-button').click()
  await byTestId(agent, 'image-url-input').fill(`${sandbox.chatUrl.replace(/\/chat$/, '')}/assets/parcel.svg`)
  await byTestId(agent, 'send-button').click()
  await expect.poll(() => byTestId(chat, 'chat-line-agent').count()).toBe(2)
  await expect.poll(() => chat.locator('.agent img').count()).toBe(1)
  await expect.poll(() => byTestId(chat, 'chat-lines').innerText()).toContain('Hi! I am Grace')

  await byTestId(chat, 'chat-input').fill('Thank you, that helps!')
  await byTestId(chat, 'chat-send').click()
  await expect.poll(() => byTestId(agent, 'message-list').innerText()).toContain('Thank you, that helps!')

  await agent.screenshot({ path: `${SHOTS}/agent-console.png` })
  await chat.screenshot({ path: `${SHOTS}/chat.png` })

  await byTestId(agent, 'close-button').click()
  await expect.poll(() => byTestId(chat, 'chat-status').getAttribute('data-status')).toBe('bot')
  await expect.poll(() => byTestId(chat, 'chat-lines').innerText()).toContain('The agent closed the conversation')
  await expect.poll(() => byTestId(agent, 'status').innerText()).toMatch(/closed/i)
}, 60_000)
