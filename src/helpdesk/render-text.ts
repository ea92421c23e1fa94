import type { HistoryMessageType, MessagePayload } from '../../contract/messages'

type Media = { title?: string }
type Option = { label: string }
type CardPayload = MessagePayload<'card'>

const media = (kind: string, url: string, { title }: Media) => (title ? `${title} (${kind}: ${url})` : `${kind}: ${url}`)
const options = (items: readonly Option[]) => (items.length ? `Options: ${items.map((o) => o.label).join(' | ')}` : '')
const lines = (...parts: Array<string | undefined>) => parts.filter((p): p is string => !!p).join('\n')

const card = (c: CardPayload) =>
  lines(c.title, c.subtitle, c.imageUrl ? `image: ${c.imageUrl}` : undefined, options(c.actions))

type Renderers = { [T in HistoryMessageType]: (payload: MessagePayload<T>) => string }

const renderers: Renderers = {
  text: (p) => p.text,
  markdown: (p) => p.markdown,
  image: (p) => media('image', p.imageUrl, p),
  audio: (p) => media('audio', p.audioUrl, p),
  video: (p) => media('video', p.videoUrl, p),
  file: (p) => media('file', p.fileUrl, p),
  location: (p) =>
    lines(p.title, p.address, `location: ${p.latitude}, ${p.longitude}`),
  card,
  carousel: (p) => p.items.map(card).join('\n\n'),
  choice: (p) => lines(p.text, options(p.options)),
  dropdown: (p) => lines(p.text, options(p.options)),
  bloc: (p) => p.items.map((item) => renderText(item.type, item.payload as never)).join('\n'),
}

/** A plain-text rendering of any message, so a helpdesk that shows only text loses nothing. */
export const renderText = <T extends HistoryMessageType>(type: T, payload: MessagePayload<T>): string =>
  (renderers[type] as (p: MessagePayload<T>) => string)(payload)
