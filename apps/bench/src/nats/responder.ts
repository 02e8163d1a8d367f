// The raw NATS peer of the dispatch bench: a plain `@nats-io/transport-node` responder in its own
// process doing the work a Tandem worker does for `add(a, b)` with no Tandem in between: decode the
// arguments (node:v8's serializer, as Tandem's wire), add, encode the sum, respond.
//   node src/nats/responder.ts <nats url> <subject> [pool]
// With `pool`, the sum is computed by `addBlocking` on a one-thread Tandem pool in this process (the
// hop a tandem-nats-worker makes from its NATS loop to its thread), to split the cost apart.
import { deserialize, serialize } from 'node:v8'
import { connect } from '@nats-io/transport-node'
import { setScheduler } from '@tandem/core/adapter'
import { addBlocking } from './functions.ts'

const [servers, subject, mode] = process.argv.slice(2)
if (!servers || !subject) {
  console.error('usage: node src/nats/responder.ts <nats url> <subject> [pool]')
  process.exit(2)
}

let close = async () => {}
if (mode === 'pool') {
  const entry = new URL('./functions.ts', import.meta.url)
  const pool = process.versions.bun
    ? (await import('@tandem/bun')).createBunPool(entry, { size: 1 })
    : (await import('@tandem/node')).createNodePool(entry, { size: 1 })
  await pool.start()
  setScheduler(pool)
  close = () => pool.close()
}

const nc = await connect({ servers, name: `bench-responder ${process.pid}` })
nc.subscribe(subject, {
  callback: (_error, msg) => {
    const [a, b] = deserialize(msg.data) as [number, number]
    if (mode === 'pool') {
      addBlocking(a, b).then((sum) => msg.respond(serialize(sum)))
    } else {
      msg.respond(serialize(a + b))
    }
  },
})
await nc.flush()
console.log(`responder ready on ${subject}${mode === 'pool' ? ' (pool)' : ''}`)

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void nc
      .drain()
      .catch(() => {})
      .then(close)
      .then(() => process.exit(0))
  })
}
