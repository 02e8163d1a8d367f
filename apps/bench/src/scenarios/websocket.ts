import { WebSocket } from 'ws'
import type { CheckResult, Scenario } from '../lib/types.ts'

/** One JSON message per round trip, one in flight per connection. */
const load: Scenario['load'] = {
  method: 'GET',
  path: '/',
  connections: 50,
  protocol: 'websocket',
  body: { text: 'hello' },
}

/** Every server must echo `{"text":"hello"}` as `{"echo":"hello"}`. */
async function check(baseUrl: string): Promise<CheckResult> {
  const answer = await new Promise<string>((resolve) => {
    const socket = new WebSocket(baseUrl.replace(/^http/, 'ws'))
    const timer = setTimeout(() => {
      socket.terminate()
      resolve('no answer within 5 s')
    }, 5000)
    socket.once('open', () => socket.send(JSON.stringify({ text: 'hello' })))
    socket.once('message', (data: Buffer) => {
      clearTimeout(timer)
      socket.close()
      resolve(data.toString())
    })
    socket.once('error', (error) => {
      clearTimeout(timer)
      resolve(`error: ${error.message}`)
    })
  })
  const problems = answer === '{"echo":"hello"}' ? [] : [`echo: expected {"echo":"hello"}, got ${answer}`]
  return { problems, columns: {} }
}

const description = (runtime: string, reference: string) =>
  `WebSocket echo on ${runtime}: 50 connections, each sending \`{"text":"hello"}\` and waiting for ` +
  '`{"echo":"hello"}` before sending again (one message in flight per connection); "req/s" is echoes ' +
  `per second. The load generator is a Node process with the \`ws\` client (src/lib/ws-client.ts), on the same machine. ${reference} ` +
  'parses each message and answers JSON; Tandem runs `app.ws` with a `for await` over the typed socket, ' +
  'plain JSON (`tandem`) and with `receive`/`send` Zod schemas (`tandem-typed`). Target: Tandem ≥ 0.9x the reference.'

export const wsEcho: Scenario = {
  name: 'ws-echo',
  title: 'ws-echo: WebSocket {"text":"hello"} → {"echo":"hello"} on Node',
  description: description('Node', 'The reference, `ws` with no framework,'),
  servers: [
    { id: 'ws', label: 'ws, no framework (reference)', file: 'ws-echo.ts' },
    { id: 'tandem', label: 'Tandem app.ws, @tandem/node serve()', file: 'tandem-ws-echo.ts' },
    {
      id: 'tandem-typed',
      label: 'Tandem app.ws with receive/send schemas',
      file: 'tandem-ws-echo.ts',
      env: { TANDEM_BENCH_TYPED: '1' },
    },
  ],
  load,
  check,
  ratios: [
    { label: 'Tandem / ws', numerator: 'tandem', denominator: 'ws', target: 0.9 },
    { label: 'Tandem (typed messages) / ws', numerator: 'tandem-typed', denominator: 'ws' },
  ],
}

export const wsEchoBun: Scenario = {
  name: 'ws-echo-bun',
  title: 'ws-echo-bun: WebSocket {"text":"hello"} → {"echo":"hello"} on Bun',
  description: description(
    'Bun, every server a `bun` process',
    "The reference, Bun.serve's own WebSockets with no framework,",
  ),
  servers: [
    {
      id: 'bun',
      label: 'Bun.serve websocket, no framework (reference)',
      file: 'bun-ws-echo.ts',
      runtime: 'bun',
    },
    { id: 'tandem', label: 'Tandem app.ws, @tandem/bun serve()', file: 'tandem-ws-echo.ts', runtime: 'bun' },
    {
      id: 'tandem-typed',
      label: 'Tandem app.ws with receive/send schemas, @tandem/bun',
      file: 'tandem-ws-echo.ts',
      runtime: 'bun',
      env: { TANDEM_BENCH_TYPED: '1' },
    },
  ],
  load,
  check,
  ratios: [
    { label: 'Tandem / Bun.serve', numerator: 'tandem', denominator: 'bun', target: 0.9 },
    { label: 'Tandem (typed messages) / Bun.serve', numerator: 'tandem-typed', denominator: 'bun' },
  ],
}
