/** Ctrl-C or SIGTERM closes the sandbox once (a second signal while it closes is ignored), then exits. */
export const stopOnSignal = (sandbox: { close: () => Promise<void> }) => {
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
