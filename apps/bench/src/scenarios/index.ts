import type { Scenario } from '../lib/types.ts'
import { cpu } from './cpu.ts'
import { hello, helloBun, helloWorkerd } from './hello.ts'
import { loopsHello, loopsRealistic } from './loops.ts'
import { natsCpu } from './nats.ts'
import { realistic, realisticBun } from './realistic.ts'
import { wsEcho, wsEchoBun } from './websocket.ts'

export const scenarios: Record<string, Scenario> = {
  hello,
  'hello-bun': helloBun,
  'hello-workerd': helloWorkerd,
  realistic,
  'realistic-bun': realisticBun,
  cpu,
  'ws-echo': wsEcho,
  'ws-echo-bun': wsEchoBun,
  'loops-hello': loopsHello,
  'loops-realistic': loopsRealistic,
  'nats-cpu': natsCpu,
}
