/*
 * Makes docs/helpdesks/request-tracker.png: a handoff through the Request Tracker sandbox (chat → /human → messages;
 * the agent takes the ticket and replies), then the ticket in RT's web UI, logged in as the agent, in Debian's
 * Chromium. Needs the local RT (scripts/ensure-request-tracker.sh). Run: npx tsx scripts/request-tracker-screenshot.ts
 */
import { chromium } from 'playwright-core'
import { startRequestTrackerSandbox } from '../sandbox/request-tracker'

const OUT = 'docs/helpdesks/request-tracker.png'

const main = async () => {
  const sandbox = await startRequestTrackerSandbox({ port: 0, integrationPort: 0, botpressApiPort: 0, hop: () => {} })
  const { rt } = sandbox
  try {
    const chat = `${sandbox.chatUrl}/api/sessions/screenshot${Date.now().toString(36)}/messages`
    const say = async (body: Record<string, unknown>) => {
      const res = await fetch(chat, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      if (!res.ok) throw new Error(`chat answered ${res.status}: ${await res.text()}`)
    }
    await say({ text: 'Hello, my parcel 42 never arrived' })
    await say({ text: '/human' })
    await say({ text: 'It was due on Monday. Here is the label:' })
    await say({ imageUrl: 'https://example.com/label-42.png' })

    const agent = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${rt.url}/REST/2.0${path}`, {
        method,
        headers: {
          authorization: `Basic ${Buffer.from(`${rt.agent.login}:${rt.agent.password}`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      if (!res.ok) throw new Error(`RT ${method} ${path} answered ${res.status}: ${await res.text()}`)
      return (await res.json()) as { items?: Array<{ id: string }> }
    }
    const query = encodeURIComponent(`Queue = '${rt.queue}'`)
    const newest = (await agent('GET', `/tickets?query=${query}&orderby=id&order=DESC&per_page=1`)).items?.[0]?.id
    if (!newest) throw new Error('no ticket was opened')
    await agent('PUT', `/ticket/${newest}/take`)
    await agent('POST', `/ticket/${newest}/correspond`, {
      Content: 'Hi, I am Grace. The carrier shows parcel 42 held at the depot; it will be delivered tomorrow.',
      ContentType: 'text/plain',
    })

    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    })
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } })
      await page.goto(`${rt.url}/`)
      await page.fill('input[name="user"]', rt.agent.login)
      await page.fill('input[name="pass"]', rt.agent.password)
      await Promise.all([page.waitForNavigation(), page.click('input[type="submit"], button[type="submit"]')])
      await page.goto(`${rt.url}/Ticket/Display.html?id=${newest}`)
      await page.waitForLoadState('networkidle')
      await page.screenshot({ path: OUT, fullPage: true })
      console.log(`Ticket ${newest}: ${OUT}`)
    } finally {
      await browser.close()
    }
  } finally {
    await sandbox.close()
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(1)
})
