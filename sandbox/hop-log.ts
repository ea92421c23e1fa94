/** One readable line per hop, with its time: `12:03:04.512  end user → plugin        text "hello"`. */
export type Hop =
  | 'end user → plugin'
  | 'plugin → end user'
  | 'plugin → integration'
  | 'integration → plugin'
  | 'integration → helpdesk'
  | 'helpdesk → integration'

export type HopLog = (hop: Hop, detail: string) => void

const WIDTH = 'integration → helpdesk'.length

/** The time, a label padded to the hop column, the detail. */
export const formatLine = (label: string, detail: string, at = new Date()) =>
  `${at.toISOString().slice(11, 23)}  ${label.padEnd(WIDTH)}  ${detail}`

/** Straight to stdout: a hop can be logged while the integration's console lines are being captured. */
export const writeLine = (line: string) => {
  process.stdout.write(`${line}\n`)
}

export const consoleHopLog =
  (write: (line: string) => void = writeLine): HopLog =>
  (hop, detail) =>
    write(formatLine(hop, detail))

export const quote = (text: string, max = 60) => {
  const flat = text.replace(/\s+/g, ' ')
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max - 1)}…` : flat)
}

/** `1 message`, `2 messages`. */
export const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`
