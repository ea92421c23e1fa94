// End-user chat of the hitl sandbox: posts what the user types to the plugin driver, shows the transcript live (SSE).
const sessionId = (() => {
  const key = 'hitl-sandbox-session'
  const fromUrl = new URLSearchParams(location.search).get('session')
  const id = fromUrl || localStorage.getItem(key) || `s_${crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`
  localStorage.setItem(key, id)
  return id
})()
const api = `/chat/api/sessions/${sessionId}`
const $ = (id) => document.getElementById(id)
const labels = { bot: 'Bot', waiting: 'Waiting for an agent', agent: 'With an agent' }

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
  const imageUrl = line.type === 'image' ? line.payload.imageUrl : undefined
  el.append(document.createTextNode(imageUrl ? line.payload.title || 'Image' : line.text))
  if (imageUrl) {
    const img = document.createElement('img')
    img.src = imageUrl
    img.alt = line.payload.title || 'image'
    el.append(img)
  }
  return el
}

const render = (session) => {
  const lines = $('lines')
  const atBottom = lines.scrollHeight - lines.scrollTop - lines.clientHeight < 40
  lines.replaceChildren(...session.lines.map(renderLine))
  if (atBottom) lines.scrollTop = lines.scrollHeight
  const status = document.querySelector('[data-testid="chat-status"]')
  status.dataset.status = session.status
  status.textContent = session.status === 'agent' && session.agentName ? `With ${session.agentName}` : labels[session.status]
}

const post = (body) =>
  fetch(`${api}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    .then((r) => r.json())
    .then(render)

$('composer').addEventListener('submit', (e) => {
  e.preventDefault()
  const text = $('text').value.trim()
  if (!text) return
  $('text').value = ''
  post({ text })
})
$('send-image').addEventListener('click', () => {
  const imageUrl = $('image').value.trim()
  if (!imageUrl) return
  $('image').value = ''
  post({ imageUrl })
})
$('human').addEventListener('click', () => post({ text: '/human' }))
$('end').addEventListener('click', () => post({ text: '/end' }))

new EventSource(`${api}/events`).onmessage = (e) => render(JSON.parse(e.data))
fetch('/sandbox.json')
  .then((r) => r.json())
  .then(({ agentConsoleUrl }) => {
    if (!agentConsoleUrl) return
    $('console-link').href = agentConsoleUrl
    $('console-link').hidden = false
  })
