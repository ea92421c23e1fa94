// Agent console of the reference helpdesk: lists tickets, shows one ticket as the helpdesk received it, and lets a
// person reply, take the ticket and close it. Every change (here or from the integration) arrives on /agent/events
// and the console reloads what it shows. Text from tickets is always inserted with textContent, never as HTML.
'use strict'

const $ = (id) => document.getElementById(id)
const state = { tickets: [], selectedId: decodeURIComponent(location.hash.slice(1)) || null, ticket: null, busy: false }

// --- the agent: a name typed once, remembered in localStorage ------------------------------------------------------

const nameInput = $('agent-name')
nameInput.value = localStorage.getItem('hitl-agent-name') || 'Alex Agent'
nameInput.addEventListener('input', () => localStorage.setItem('hitl-agent-name', nameInput.value.trim()))
const agent = () => ({ name: nameInput.value.trim() || 'Agent' })

// --- small DOM and HTTP helpers ------------------------------------------------------------------------------------

const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith('data-')) node.setAttribute(key, value)
    else node[key] = value
  }
  node.append(...children.filter((c) => c !== null && c !== undefined))
  return node
}

const time = (iso) => new Date(iso).toLocaleTimeString()

const api = async (path, body) => {
  const response = await fetch(path, body === undefined ? {} : {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const data = await response.json()
  if (!response.ok) throw new Error(data.error?.message || `${response.status}`)
  return data
}

const notice = (text, isError = false) => {
  const box = $('notice')
  box.hidden = !text
  box.textContent = text
  box.className = isError ? 'error' : ''
}

const describeDelivery = (d) => {
  if (d.delivered) return `${d.event.type} delivered (${d.status}, ${d.attempts} attempt${d.attempts > 1 ? 's' : ''})`
  const why = d.status ? `answered ${d.status}` : d.error
  return `${d.event.type} NOT delivered: ${why} after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`
}

// --- ticket list ---------------------------------------------------------------------------------------------------

const renderList = () => {
  const rows = state.tickets.map((t) =>
    el(
      'li',
      {
        className: t.id === state.selectedId ? 'selected' : '',
        onclick: () => select(t.id),
        'data-testid': 'ticket-row',
        'data-ticket-id': t.id,
        'data-status': t.status,
      },
      el('div', { className: 'title', textContent: t.title }),
      el(
        'div',
        { className: 'meta' },
        el('span', { className: `badge ${t.status}`, textContent: t.status, 'data-testid': 'ticket-status' }),
        ` ${t.requester.name} · ${t.assignedAgent ? t.assignedAgent.name || t.assignedAgent.id : 'unassigned'} · ${time(t.lastActivityAt)}`
      )
    )
  )
  if (!rows.length) rows.push(el('li', { className: 'muted', textContent: 'No tickets yet.' }))
  $('tickets').replaceChildren(...rows)
}

// --- one ticket ----------------------------------------------------------------------------------------------------

const ORIGIN = { history: 'history', integration: 'relayed', agent: 'agent reply' }

const safeImageUrl = (url) => (typeof url === 'string' && /^(https?:|data:image\/)/i.test(url) ? url : null)

const deliveryOf = (m, deliveries) => {
  if (m.origin !== 'agent') return ''
  const delivery = m.eventId ? deliveries.find((d) => d.eventId === m.eventId) : null
  return delivery ? (delivery.delivered ? 'delivered' : 'not delivered') : 'sending…'
}

const renderMessage = (m, deliveries) => {
  const delivery = deliveryOf(m, deliveries)
  const image = m.type === 'image' ? safeImageUrl(m.payload.imageUrl) : null
  return el(
    'li',
    { className: m.origin, 'data-testid': 'message', 'data-origin': m.origin, 'data-type': m.type, 'data-message-id': m.id },
    el(
      'div',
      { className: 'muted' },
      el('strong', { textContent: m.authorName, 'data-testid': 'message-author' }),
      ` · ${m.type} · ${ORIGIN[m.origin]} · ${time(m.at)}`,
      delivery ? ` · ${delivery}` : null
    ),
    el('div', { className: 'text', textContent: m.text, 'data-testid': 'message-text' }),
    image ? el('img', { src: image, alt: m.text, 'data-testid': 'message-image' }) : null
  )
}

// The list follows new messages (see follow.js). Items are keyed, and an unchanged item keeps its node, so images
// stay loaded and the list never shrinks under the reader.
const follow = window.followList($('messages'), $('new-messages'))
let shownTicketId = null

/** Puts `items` ({ key, version, build }) in the list, reusing the node of each unchanged item; returns how many are new. */
const reconcile = (list, items) => {
  const existing = new Map([...list.children].map((node) => [node.dataset.key, node]))
  let added = 0
  const nodes = items.map(({ key, version, build }) => {
    const node = existing.get(key)
    if (node && node.dataset.version === version) return node
    if (!node) added++
    const fresh = build()
    fresh.dataset.key = key
    fresh.dataset.version = version
    return fresh
  })
  const same = nodes.length === list.children.length && nodes.every((node, i) => node === list.children[i])
  if (!same) list.replaceChildren(...nodes)
  return added
}

const renderTicket = () => {
  const t = state.ticket
  for (const id of ['detail-header', 'conversation', 'reply-form']) $(id).hidden = !t
  $('empty').hidden = !!t
  $('deliveries').hidden = !t || !t.deliveries.length
  if (!t) {
    shownTicketId = null
    return
  }

  $('ticket-title').textContent = t.title
  $('status').textContent = t.status
  $('status').className = `badge ${t.status}`
  $('requester').textContent = t.requester.email ? `${t.requester.name} <${t.requester.email}>` : t.requester.name
  $('assigned-agent').textContent = t.assignedAgent ? t.assignedAgent.name || t.assignedAgent.id : 'nobody'
  const session = t.session ? Object.entries(t.session).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ') : ''
  $('session').textContent = session ? ` · ${session}` : ''

  const message = (m) => ({ key: m.id, version: deliveryOf(m, t.deliveries), build: () => renderMessage(m, t.deliveries) })
  const separator = (key, text) => ({ key, version: text, build: () => el('li', { className: 'separator', textContent: text }) })
  const omitted = t.omittedMessages
    ? [separator('omitted', `— ${t.omittedMessages} earlier message${t.omittedMessages === 1 ? '' : 's'} not forwarded —`)]
    : []
  const items = [
    ...omitted,
    ...t.history.map(message),
    separator('handed', `— handed to the helpdesk ${time(t.createdAt)} —`),
    ...t.messages.map(message),
  ]
  if (t.status === 'closed') {
    const by = t.closedBy === 'agent' ? 'by the agent' : 'by the bot / end user'
    items.push(separator('closed', `— closed ${by}${t.closeReason ? `: ${t.closeReason}` : ''} —`))
  }
  const list = $('messages')
  const opened = t.id !== shownTicketId
  if (opened) list.replaceChildren()
  shownTicketId = t.id
  const added = reconcile(list, items)

  $('deliveries').replaceChildren(...t.deliveries.map((d) => el('li', { textContent: `${time(d.finishedAt)} ${describeDelivery(d)}` })))
  const closed = t.status === 'closed'
  for (const id of ['reply-input', 'image-url-input', 'send-button', 'assign-button', 'close-reason-input', 'close-button']) {
    $(id).disabled = closed || state.busy
  }
  // last, once everything around the list has its size
  if (opened) follow.reset()
  else follow.added(added)
}

// --- loading -------------------------------------------------------------------------------------------------------

const refresh = async () => {
  try {
    state.tickets = (await api('/agent/tickets')).tickets
    renderList()
    state.ticket = state.selectedId ? (await api(`/agent/tickets/${encodeURIComponent(state.selectedId)}`)).ticket : null
  } catch (error) {
    state.ticket = null
    notice(String(error.message || error), true)
  }
  renderTicket()
}

const select = (id) => {
  state.selectedId = id
  history.replaceState(null, '', `#${encodeURIComponent(id)}`)
  notice('')
  renderList()
  refresh()
}

let pending = null
const refreshSoon = () => {
  clearTimeout(pending)
  pending = setTimeout(refresh, 50)
}

const events = new EventSource('/agent/events')
events.addEventListener('open', () => ($('live-status').textContent = '● live'))
events.addEventListener('error', () => ($('live-status').textContent = 'reconnecting…'))
events.addEventListener('change', refreshSoon)

// --- actions -------------------------------------------------------------------------------------------------------

const act = async (action, body) => {
  if (!state.selectedId || state.busy) return
  state.busy = true
  renderTicket()
  notice('sending…')
  try {
    const result = await api(`/agent/tickets/${encodeURIComponent(state.selectedId)}/${action}`, body)
    const deliveries = result.deliveries || [result.delivery]
    notice(deliveries.map(describeDelivery).join(' · '), deliveries.some((d) => !d.delivered))
    return true
  } catch (error) {
    notice(String(error.message || error), true)
    return false
  } finally {
    state.busy = false
    await refresh()
  }
}

$('reply-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  const text = $('reply-input').value
  const imageUrl = $('image-url-input').value.trim()
  if (!text.trim() && !imageUrl) return notice('Write a text or give an image URL.', true)
  if (await act('reply', { agent: agent(), text, imageUrl })) {
    $('reply-input').value = ''
    $('image-url-input').value = ''
    $('reply-input').focus()
  }
})
$('reply-input').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) $('reply-form').requestSubmit()
})
$('assign-button').addEventListener('click', () => act('assign', { agent: agent() }))
$('close-button').addEventListener('click', async () => {
  if (await act('close', { reason: $('close-reason-input').value.trim() || undefined })) $('close-reason-input').value = ''
})

refresh()
