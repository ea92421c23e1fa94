// Serves the integration with the SDK's own HTTP server, exactly as Botpress Cloud calls it (x-bp-* headers).
import integration from '../src/index'

const port = Number(process.env.PORT ?? 8072)
integration.start(port).then(() => {
  console.log(`hitl integration listening on http://127.0.0.1:${port} (BP_API_URL=${process.env.BP_API_URL ?? 'unset'})`)
})
