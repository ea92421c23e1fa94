/* `HELPDESK=request-tracker npm start` (sandbox/main.ts hands over here). */
import { describeRequestTrackerSandbox, startRequestTrackerSandbox } from '.'

export const main = async (port: (name: string, fallback: number) => number) => {
  const sandbox = await startRequestTrackerSandbox({
    port: port('SANDBOX_PORT', 8070),
    integrationPort: port('SANDBOX_INTEGRATION_PORT', 8072),
    botpressApiPort: port('SANDBOX_BOTPRESS_API_PORT', 8073),
  })
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
