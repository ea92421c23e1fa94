/* `HELPDESK=request-tracker npm start` (sandbox/main.ts hands over here). */
import type { SandboxPorts } from '../start-sandbox'
import { stopOnSignal } from '../stop-on-signal'
import { describeRequestTrackerSandbox, startRequestTrackerSandbox } from '.'

export const main = async (ports: SandboxPorts) => {
  const sandbox = await startRequestTrackerSandbox(ports)
  console.log('')
  console.log('hitl sandbox with Request Tracker is running (Ctrl-C to stop)')
  for (const line of describeRequestTrackerSandbox(sandbox)) console.log(line)
  console.log('')
  stopOnSignal(sandbox)
}
