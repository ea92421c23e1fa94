/** One readable line per hop: `12:03:04.512  end user → plugin        text "hello"`. */
export type Hop =
  | 'end user → plugin'
  | 'plugin → end user'
  | 'plugin → integration'
  | 'integration → plugin'
  | 'integration → helpdesk'
  | 'helpdesk → integration'

export type HopLog = (hop: Hop, detail: string) => void

const WIDTH = 'integration → helpdesk'.length

export const consoleHopLog =
  (write: (line: string) => void = (line) => console.log(line)): HopLog =>
  (hop, detail) =>
    write(`${new Date().toISOString().slice(11, 23)}  ${hop.padEnd(WIDTH)}  ${detail}`)

export const quote = (text: string, max = 60) => {
  const flat = text.replace(/\s+/g, ' ')
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max - 1)}…` : flat)
}
