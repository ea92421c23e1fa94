// End-user chat of the hitl sandbox: posts what the user types to the plugin driver, shows the transcript live (SSE).
// Text is always inserted with textContent, never as HTML.
'use strict'

const SESSION_KEY = 'hitl-sandbox-session'
const newSessionId = () => `s_${crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`
const sessionId = (() => {
  const fromUrl = new URLSearchParams(location.search).get('session')
  const id = fromUrl || localStorage.getItem(SESSION_KEY) || newSessionId()
  localStorage.setItem(SESSION_KEY, id)
  return id
})()
const api = `/chat/api/sessions/${encodeURIComponent(sessionId)}`
const $ = (id) => document.getElementById(id)
const labels = { bot: 'Bot', waiting: 'Waiting for an agent', agent: 'With an agent' }
const follow = window.followList($('lines'), $('new-messages'))

/** Only http(s) images are shown; anything else stays text. */
const httpUrl = (value) => {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null
  } catch {
    return null
  }
}

/** An image's label: its title, else its file name. */
const imageLabel = (payload, url) => {
  if (typeof payload.title === 'string' && payload.title.trim()) return payload.title
  const name = url ? url.pathname.split('/').filter(Boolean).pop() : undefined
  try {
    return name ? decodeURIComponent(name) : 'Image'
  } catch {
    return name
  }
}

const renderLine = (line) => {
  const el = document.createElement('div')
  el.className = `line ${line.from}`
  el.dataset.testid = `chat-line-${line.from}`
  if (line.from !== 'user' && line.from !== 'system') {
    const who = document.createElement('span')
    who.className = 'who'
    who.textContent = line.author
    el.append(who)
  }
  const url = line.type === 'image' ? httpUrl(line.payload.imageUrl) : null
  el.append(document.createTextNode(url ? imageLabel(line.payload, url) : line.text))
  if (url) {
    const img = document.createElement('img')
    img.src = url.href
    img.alt = imageLabel(line.payload, url)
    el.append(img)
  }
  return el
}

// Lines only ever get appended to a conversation, so only the new ones are rendered (images stay loaded).
let shownLines = 0
const render = (session) => {
  if (session.lines.length < shownLines) return // an answer older than a live update already shown
  const lines = $('lines')
  const fresh = session.lines.slice(shownLines)
  lines.append(...fresh.map(renderLine))
  shownLines = session.lines.length
  follow.added(fresh.length)
  const status = document.querySelector('[data-testid="chat-status"]')
  status.dataset.status = session.status
  status.textContent = session.status === 'agent' && session.agentName ? `With ${session.agentName}` : labels[session.status]
  $('human').disabled = session.status !== 'bot'
  $('end').disabled = session.status === 'bot'
}

const showError = (text) => {
  $('send-error').hidden = !text
  $('send-error').textContent = text || ''
}

/** Sends one message; the input it came from is cleared only once the sandbox has it. */
const post = async (body, input) => {
  try {
    const response = await fetch(`${api}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    const data = await response.json().catch(() => ({}))
    if (!response.ok) throw new Error(data.error || `the sandbox answered ${response.status}`)
    showError('')
    if (input) input.value = ''
    render(data)
  } catch (error) {
    const reason = error instanceof TypeError ? 'the sandbox is not reachable (is npm start still running?)' : error.message
    showError(`Not sent: ${reason}. Your text is kept; try again.`)
  }
}

$('composer').addEventListener('submit', (e) => {
  e.preventDefault()
  const text = $('text').value.trim()
  if (text) post({ text }, $('text'))
})
$('send-image').addEventListener('click', () => {
  const imageUrl = $('image').value.trim()
  if (imageUrl) post({ imageUrl }, $('image'))
})
$('human').addEventListener('click', () => post({ text: '/human' }))
$('end').addEventListener('click', () => post({ text: '/end' }))
$('new-conversation').addEventListener('click', () => {
  const id = newSessionId()
  localStorage.setItem(SESSION_KEY, id)
  location.search = `?session=${id}`
})

new EventSource(`${api}/events`).onmessage = (e) => render(JSON.parse(e.data))
fetch('/sandbox.json')
  .then((r) => r.json())
  .then(({ agentConsoleUrl }) => {
    if (!agentConsoleUrl) return
    $('console-link').href = agentConsoleUrl
    $('console-link').hidden = false
  })
  .catch(() => {})
