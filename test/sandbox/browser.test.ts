import { mkdirSync } from 'node:fs'
import { chromium, type Browser, type Locator, type Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../../sandbox/start-sandbox'

/*
 * Whole sessions clicked through both pages in Debian's Chromium. Screenshots go to test-results/; with
 * UPDATE_SCREENSHOTS=1 (npm run screenshots) also to docs/, where the README shows them.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const SHOTS = 'test-results'
const HOSTILE = '<img src=x onerror="window.__injected=1"><b>bold?</b>'

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
const parcelUrl = () => `${sandbox.chatUrl.replace(/\/chat$/, '')}/assets/parcel.svg`

/** How far the list's last pixel is below what the reader sees, and whether it scrolls at all. */
const scrollState = (list: Locator) =>
  list.evaluate((el) => ({ below: el.scrollHeight - el.scrollTop - el.clientHeight, overflows: el.scrollHeight > el.clientHeight + 40 }))
const imagesLoaded = (list: Locator) =>
  list.evaluate((el) => [...el.querySelectorAll('img')].every((img) => img.complete && img.naturalHeight > 0))

const agentReply = async (agent: Page, text: string) => {
  await byTestId(agent, 'reply-input').fill(text)
  await byTestId(agent, 'send-button').click()
  await expect.poll(() => byTestId(agent, 'reply-input').inputValue()).toBe('')
}

/** The image arrives after the page has laid out its message, as over a real network. */
const slowImages = (page: Page) =>
  page.route('**/assets/parcel.svg', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 400))
    await route.continue()
  })

const shoot = async (page: Page, name: string) => {
  await page.screenshot({ path: `${SHOTS}/${name}.png` })
  if (process.env.UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: `docs/${name}.png` })
}

it('runs a whole session by clicking the chat and the agent console; both follow the conversation', async () => {
  const chat = await browser.newPage({ viewport: { width: 760, height: 600 } })
  await chat.goto(`${sandbox.chatUrl}?session=browser_session_1`)
  expect(await byTestId(chat, 'chat-end').isDisabled()).toBe(true)
  await byTestId(chat, 'chat-input').fill('Hello, my parcel is late')
  await byTestId(chat, 'chat-send').click()
  await expect.poll(() => byTestId(chat, 'chat-line-bot').count()).toBe(2)
  await byTestId(chat, 'chat-human').click()
  await expect.poll(() => byTestId(chat, 'chat-status').getAttribute('data-status')).toBe('waiting')
  expect(await byTestId(chat, 'chat-human').isDisabled()).toBe(true)
  expect(await byTestId(chat, 'chat-end').isEnabled()).toBe(true)

  const agent = await browser.newPage({ viewport: { width: 1280, height: 640 } })
  await agent.goto(sandbox.agentConsoleUrl!)
  await expect.poll(() => byTestId(agent, 'ticket-row').count()).toBe(1)
  // no reply form before a ticket is open
  expect(await byTestId(agent, 'reply-input').isVisible()).toBe(false)
  expect(await byTestId(agent, 'send-button').isVisible()).toBe(false)
  await byTestId(agent, 'ticket-row').first().click()
  await expect.poll(() => byTestId(agent, 'message-list').innerText()).toContain('Hello, my parcel is late')
  expect(await byTestId(agent, 'reply-input').isVisible()).toBe(true)
  await byTestId(agent, 'agent-name').fill('Grace Hopper')
  await byTestId(agent, 'assign-button').click()
  await expect.poll(() => byTestId(chat, 'chat-status').innerText()).toBe('With Grace Hopper')
  await expect.poll(() => byTestId(chat, 'chat-lines').innerText()).toContain('A human agent has joined: Grace Hopper')

  await slowImages(chat)
  await slowImages(agent)
  await agentReply(agent, 'Hi! I am Grace. Here is where your parcel is:')
  await byTestId(agent, 'image-url-input').fill(parcelUrl())
  await byTestId(agent, 'send-button').click()
  await expect.poll(() => chat.locator('.agent img').count()).toBe(1)
  await expect.poll(() => chat.locator('.agent').last().innerText()).toContain('parcel.svg') // no title: its file name
  // the image is the last message: once it has loaded and grown the list, the chat still shows the list's end
  const chatLines = byTestId(chat, 'chat-lines')
  await expect.poll(() => imagesLoaded(chatLines)).toBe(true)
  expect((await scrollState(chatLines)).overflows).toBe(true)
  await expect.poll(async () => (await scrollState(chatLines)).below).toBeLessThan(2)
  // and so does the console, where the image is the last message too
  const consoleList = byTestId(agent, 'message-list')
  await expect.poll(() => consoleList.locator('img').count()).toBe(1)
  await expect.poll(() => imagesLoaded(consoleList)).toBe(true)
  expect((await scrollState(consoleList)).overflows).toBe(true)
  await expect.poll(async () => (await scrollState(consoleList)).below).toBeLessThan(2)
  for (const text of ['It left the depot this morning.', 'It should arrive before 6 pm.', 'Anything else?']) {
    await agentReply(agent, text)
  }
  await expect.poll(() => byTestId(chat, 'chat-lines').innerText()).toContain('Anything else?')

  // the chat followed the conversation past the image
  await expect.poll(() => imagesLoaded(chatLines)).toBe(true)
  await expect.poll(() => scrollState(chatLines)).toEqual({ below: expect.any(Number), overflows: true })
  await expect.poll(async () => (await scrollState(chatLines)).below).toBeLessThan(2)

  // the console followed too
  for (const text of ['Thank you, that helps!', 'Will it need a signature?', 'I will be home after 5.']) {
    await byTestId(chat, 'chat-input').fill(text)
    await byTestId(chat, 'chat-send').click()
    await expect.poll(() => byTestId(chat, 'chat-input').inputValue()).toBe('')
  }
  await expect.poll(() => consoleList.innerText()).toContain('I will be home after 5.')
  await expect.poll(() => imagesLoaded(consoleList)).toBe(true)
  expect((await scrollState(consoleList)).overflows).toBe(true)
  await expect.poll(async () => (await scrollState(consoleList)).below).toBeLessThan(2)

  // a console opened on this ticket starts at its last message, once the image has loaded
  const ticketId = await byTestId(agent, 'ticket-row').first().getAttribute('data-ticket-id')
  const fresh = await browser.newContext({ viewport: { width: 1280, height: 640 } }) // nothing cached
  const reopened = await fresh.newPage()
  await slowImages(reopened)
  await reopened.goto(`${sandbox.agentConsoleUrl}#${ticketId}`)
  await expect.poll(() => byTestId(reopened, 'message-list').innerText()).toContain('I will be home after 5.')
  await expect.poll(() => imagesLoaded(byTestId(reopened, 'message-list'))).toBe(true)
  expect((await scrollState(byTestId(reopened, 'message-list'))).overflows).toBe(true)
  await expect.poll(async () => (await scrollState(byTestId(reopened, 'message-list'))).below).toBeLessThan(2)
  await fresh.close()

  await shoot(agent, 'agent-console')
  await shoot(chat, 'chat')

  // a reader who scrolled up stays where they are and is offered a marker that jumps down
  await chatLines.evaluate((el) => (el.scrollTop = 0))
  await expect.poll(async () => (await scrollState(chatLines)).below).toBeGreaterThan(100)
  await agentReply(agent, 'One more thing: keep the receipt.')
  await expect.poll(() => byTestId(chat, 'chat-new-messages').isVisible()).toBe(true)
  expect(await byTestId(chat, 'chat-new-messages').innerText()).toContain('1 new message')
  expect((await scrollState(chatLines)).below).toBeGreaterThan(100)
  await byTestId(chat, 'chat-new-messages').click()
  await expect.poll(async () => (await scrollState(chatLines)).below).toBeLessThan(2)
  expect(await byTestId(chat, 'chat-new-messages').isVisible()).toBe(false)

  await byTestId(agent, 'close-button').click()
  await expect.poll(() => byTestId(chat, 'chat-status').getAttribute('data-status')).toBe('bot')
  await expect.poll(() => byTestId(chat, 'chat-lines').innerText()).toContain('The agent closed the conversation')
  await expect.poll(() => byTestId(agent, 'status').innerText()).toMatch(/closed/i)
  expect(await byTestId(chat, 'chat-human').isEnabled()).toBe(true)
  expect(await byTestId(chat, 'chat-end').isDisabled()).toBe(true)
  await chat.close()
  await agent.close()
}, 90_000)

it('keeps the text and shows the error when a message cannot be sent', async () => {
  const chat = await browser.newPage({ viewport: { width: 760, height: 600 } })
  await chat.goto(`${sandbox.chatUrl}?session=browser_session_2`)
  await expect.poll(() => byTestId(chat, 'chat-line-bot').count()).toBe(1)
  await chat.route('**/chat/api/sessions/*/messages', (route) => route.abort('connectionrefused'))
  await byTestId(chat, 'chat-input').fill('Is anyone there?')
  await byTestId(chat, 'chat-send').click()
  await expect.poll(() => byTestId(chat, 'chat-error').isVisible()).toBe(true)
  expect(await byTestId(chat, 'chat-error').innerText()).toMatch(/Not sent: .*not reachable.*Your text is kept/)
  expect(await byTestId(chat, 'chat-input').inputValue()).toBe('Is anyone there?')

  await chat.unroute('**/chat/api/sessions/*/messages')
  await byTestId(chat, 'chat-send').click()
  await expect.poll(() => byTestId(chat, 'chat-error').isVisible()).toBe(false)
  expect(await byTestId(chat, 'chat-input').inputValue()).toBe('')
  await expect.poll(() => byTestId(chat, 'chat-lines').innerText()).toContain('Is anyone there?')
  await chat.close()
}, 30_000)

it('shows text from the end user and the agent as text, never as HTML, and images only from http(s) URLs', async () => {
  const chat = await browser.newPage({ viewport: { width: 760, height: 600 } })
  await chat.goto(`${sandbox.chatUrl}?session=browser_session_3`)
  await byTestId(chat, 'chat-input').fill(HOSTILE)
  await byTestId(chat, 'chat-send').click()
  await byTestId(chat, 'chat-human').click()
  await expect.poll(() => byTestId(chat, 'chat-status').getAttribute('data-status')).toBe('waiting')
  await byTestId(chat, 'chat-image-url').fill('javascript:alert(1)')
  await byTestId(chat, 'chat-send-image').click()
  await expect.poll(() => byTestId(chat, 'chat-image-url').inputValue()).toBe('')

  const agent = await browser.newPage({ viewport: { width: 1280, height: 640 } })
  await agent.goto(sandbox.agentConsoleUrl!)
  await agent.locator('[data-testid="ticket-row"][data-status="open"]').first().click()
  await expect.poll(() => byTestId(agent, 'message-list').innerText()).toContain(HOSTILE)
  await agentReply(agent, HOSTILE)
  await expect.poll(() => byTestId(chat, 'chat-line-agent').count()).toBe(1)

  expect(await byTestId(chat, 'chat-line-agent').innerText()).toContain(HOSTILE)
  expect(await byTestId(chat, 'chat-line-user').first().innerText()).toContain(HOSTILE)
  expect(await chat.locator('[data-testid="chat-lines"] b').count()).toBe(0)
  expect(await chat.locator('[data-testid="chat-lines"] img').count()).toBe(0) // the javascript: URL stays text
  expect(await agent.locator('[data-testid="message-list"] b').count()).toBe(0)
  expect(await agent.locator('[data-testid="message-list"] img').count()).toBe(0)
  expect(await chat.evaluate('typeof window.__injected')).toBe('undefined')
  expect(await agent.evaluate('typeof window.__injected')).toBe('undefined')
  await chat.close()
  await agent.close()
}, 30_000)

it('loads both pages with no missing resource (favicons included)', async () => {
  const missing: string[] = []
  for (const url of [`${sandbox.chatUrl}?session=browser_session_4`, sandbox.agentConsoleUrl!]) {
    const page = await browser.newPage()
    page.on('response', (response) => {
      if (response.status() >= 400) missing.push(`${response.status()} ${response.url()}`)
    })
    await page.goto(url, { waitUntil: 'networkidle' })
    const icon = await page.locator('link[rel="icon"]').getAttribute('href')
    expect(icon).toBeTruthy()
    expect((await page.request.get(new URL(icon!, url).href)).status()).toBe(200)
    await page.close()
  }
  expect(missing).toEqual([])
}, 30_000)

it('fits the agent console in a narrow window', async () => {
  const agent = await browser.newPage({ viewport: { width: 420, height: 760 } })
  await agent.goto(sandbox.agentConsoleUrl!)
  await byTestId(agent, 'ticket-row').first().click()
  await expect.poll(() => byTestId(agent, 'reply-input').isVisible()).toBe(true)
  const overflow = await agent.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')
  expect(overflow).toBeLessThanOrEqual(0)
  for (const id of ['reply-input', 'send-button', 'close-button']) {
    const box = await byTestId(agent, id).boundingBox()
    expect(box, id).not.toBeNull()
    expect(box!.x + box!.width, id).toBeLessThanOrEqual(420)
  }
  await agent.close()
}, 30_000)
