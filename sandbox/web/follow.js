// Keeps a scrolling list at its newest item while the reader is at the bottom, also when an image loads and grows
// it; once the reader scrolls up on purpose, counts what arrives below and shows a marker that jumps down.
// Shared by the chat (served at /follow.js) and the agent console (served at /agent/follow.js).
'use strict'

window.followList = (list, marker) => {
  let following = true
  let unseen = 0
  const atBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight < 40
  const toBottom = () => {
    list.scrollTop = list.scrollHeight
  }
  const show = () => {
    marker.hidden = following || unseen === 0
    marker.textContent = `${unseen} new message${unseen === 1 ? '' : 's'} ↓`
  }
  // Scroll events come from the reader, and from our own jumps to the bottom (which keep following on).
  list.addEventListener('scroll', () => {
    following = atBottom()

    if (following) unseen = 0
    show()
  })
  // `load` does not bubble; capturing it sees every image of the list.
  list.addEventListener('load', () => following && toBottom(), true)
  // The list's own box shrinks when something appears around it (a notice, a delivery list).
  new ResizeObserver(() => following && toBottom()).observe(list)
  marker.addEventListener('click', () => {
    following = true
    unseen = 0
    toBottom()
    show()
  })
  return {
    /** call after appending `count` items */
    added: (count) => {

      if (count <= 0) return
      if (following) toBottom()
      else unseen += count
      show()
    },
    /** a different list (another ticket or conversation): start at its bottom */
    reset: () => {
      following = true
      unseen = 0
      toBottom()
      show()
    },
  }
}
