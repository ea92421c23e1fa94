/* `HELPDESK=request-tracker npm start` (sandbox/main.ts hands over here). */
import type { SandboxPorts } from '../start-sandbox'
import { describeRequestTrackerSandbox, startRequestTrackerSandbox } from '.'

export const main = async (ports: SandboxPorts) => {
  const sandbox = await startRequestTrackerSandbox(ports)
  console.log('')
  console.log('hitl sandbox with Request Tracker is running (Ctrl-C to stop)')
  for (const line of describeRequestTrackerSandbox(sandbox)) console.log(line)
  console.log('')
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    console.log('\nStopping the sandbox…')
    await sandbox.close()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
