/**
 * The integration's URL rules refuse a helpdesk on a loopback or private address unless this variable is set in its
 * process; the sandbox and `npm run serve` run next to a helpdesk on this machine, so they set it (an explicit value
 * in the environment wins).
 */
export const allowLoopbackHelpdesk = () => {
  process.env.HITL_ALLOW_LOOPBACK_HELPDESK ??= '1'
}

// Also on import, so it is set even if the integration reads it when its modules load (imported before src/).
allowLoopbackHelpdesk()
