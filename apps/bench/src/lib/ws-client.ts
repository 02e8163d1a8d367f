// The WebSocket load generator (the harness's wrk for WebSockets): node src/lib/ws-client.ts <url>
// <connections> <seconds> <message>. Each connection sends the message, waits for the echo, sends
// again (one message in flight per connection), for <seconds>; then prints one line
// 'TANDEM_BENCH {json}' in wrk's shape (lua/lib.lua): requests = echoes received, latencies in µs.
import { WebSocket } from 'ws'

const [url, connectionsText, secondsText, message] = process.argv.slice(2)
if (!url || !connectionsText || !secondsText || message === undefined) {
  console.error('usage: ws-client.ts <url> <connections> <seconds> <message>')
  process.exit(2)
}
const connections = Number(connectionsText)
const seconds = Number(secondsText)

const latencies: number[] = []
const errors = { connect: 0, read: 0, write: 0, status: 0, timeout: 0 }
let bytes = 0
let measuring = false
let start = 0

const sockets = await Promise.all(
  Array.from(
    { length: connections },
    () =>
      new Promise<WebSocket | undefined>((resolve) => {
        const socket = new WebSocket(url, { perMessageDeflate: false })
        socket.once('open', () => resolve(socket))
        socket.once('error', () => {
          errors.connect++
          resolve(undefined)
        })
      }),
  ),
)

const fires: (() => void)[] = []
for (const socket of sockets) {
  if (!socket) continue
  let sent = 0
  const fire = () => {
    sent = performance.now()
    socket.send(message)
  }
  fires.push(fire)
  socket.on('message', (data: Buffer) => {
    if (!measuring) return
    latencies.push(performance.now() - sent)
    bytes += data.length
    fire()
  })
  socket.on('close', (code: number) => {
    if (measuring && code !== 1000) errors.read++
  })
  socket.on('error', () => errors.read++)
}

measuring = true
start = performance.now()
for (const fire of fires) fire()
await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
measuring = false
const duration = performance.now() - start
for (const socket of sockets) socket?.terminate()

latencies.sort((a, b) => a - b)
const at = (p: number) =>
  latencies.length === 0
    ? 0
    : latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]! * 1000
const mean = latencies.reduce((sum, x) => sum + x, 0) / Math.max(1, latencies.length)
const stdev = Math.sqrt(
  latencies.reduce((sum, x) => sum + (x - mean) ** 2, 0) / Math.max(1, latencies.length),
)
const result = {
  requests: latencies.length,
  duration_us: Math.round(duration * 1000),
  bytes,
  errors,
  latency_us: {
    min: at(0),
    max: (latencies.at(-1) ?? 0) * 1000,
    mean: mean * 1000,
    stdev: stdev * 1000,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
  },
}
process.stdout.write(`TANDEM_BENCH ${JSON.stringify(result)}\n`)
process.exit(0)
