// Tandem's WebSocket echo (app.ws), on Node or Bun (tandem-serve.ts). TANDEM_BENCH_TYPED=1 declares
// the message schemas (`receive` and `send` validated with Zod); otherwise messages are plain JSON.
import { App } from '@tandem/core'
import { z } from 'zod'
import { serveTandem } from './tandem-serve.ts'

const app = new App()
const Message = z.object({ text: z.string() })
const Echo = z.object({ echo: z.string() })

if (process.env.TANDEM_BENCH_TYPED === '1') {
  app.ws('/', { receive: Message, send: Echo }, async ({ socket }) => {
    for await (const message of socket) socket.send({ echo: message.text })
  })
} else {
  app.ws('/', async ({ socket }) => {
    for await (const message of socket) socket.send({ echo: (message as { text: string }).text })
  })
}

await serveTandem(app)
