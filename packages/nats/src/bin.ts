#!/usr/bin/env node
// tandem-nats-worker <entry> --servers nats://host:4222 [--subject S] [--concurrency N]
import { parseArgs } from 'node:util'
import { runNatsWorker } from './worker.ts'

const usage = `Usage: tandem-nats-worker <entry> [options]

Runs the blocking functions of the app whose entry module is <entry> for the servers that use
natsScheduler() with the same subject, on this machine's threads.

Options:
  --servers <urls>      NATS server URL(s), comma-separated (default: $NATS_URL or nats://127.0.0.1:4222)
  --subject <prefix>    subject prefix shared with the scheduler (default: tandem)
  --concurrency <n>     calls run at once, one thread each (default: this machine's cores)
  --user <name>         NATS user (with --pass; or $NATS_USER / $NATS_PASS)
  --pass <password>
  --token <token>       NATS token (or $NATS_TOKEN)
  --drain-timeout <ms>  how long a stop waits for requests in progress (default: 30000)
  --no-thread-answers   every call and answer goes through the worker's event loop, instead of the
                        threads taking calls and publishing answers on NATS connections of their own
                        (one per thread): one NATS connection per worker
  -h, --help            this help

SIGTERM or SIGINT stops it gracefully: no new request, the ones in progress finish, then it exits.`

function fail(message: string): never {
  console.error(`tandem-nats-worker: ${message}\n\n${usage}`)
  process.exit(2)
}

function whole(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a whole number, at least 1 (got "${value}").`)
  return n
}

let parsed: ReturnType<typeof parse>
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      servers: { type: 'string' },
      subject: { type: 'string' },
      concurrency: { type: 'string' },
      user: { type: 'string' },
      pass: { type: 'string' },
      token: { type: 'string' },
      'drain-timeout': { type: 'string' },
      'no-thread-answers': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}
try {
  parsed = parse()
} catch (error) {
  fail((error as Error).message)
}
const { values, positionals } = parsed
if (values.help) {
  console.log(usage)
  process.exit(0)
}
const [entry, ...extra] = positionals
if (!entry) fail('give the entry module of the app (the module that declares its blocking functions).')
if (extra.length > 0) fail(`one entry module only (got ${positionals.join(', ')}).`)

const env = process.env
const user = values.user ?? env.NATS_USER
const pass = values.pass ?? env.NATS_PASS
const token = values.token ?? env.NATS_TOKEN
const concurrency = whole('concurrency', values.concurrency)
const drainTimeout = whole('drain-timeout', values['drain-timeout'])

let worker: Awaited<ReturnType<typeof runNatsWorker>>
try {
  worker = await runNatsWorker({
    entry,
    servers: (values.servers ?? env.NATS_URL ?? 'nats://127.0.0.1:4222').split(',').map((s) => s.trim()),
    ...(values.subject ? { subject: values.subject } : {}),
    ...(concurrency ? { concurrency } : {}),
    ...(drainTimeout ? { drainTimeout } : {}),
    ...(values['no-thread-answers'] ? { threadAnswers: false } : {}),
    ...(user ? { user } : {}),
    ...(pass ? { pass } : {}),
    ...(token ? { token } : {}),
  })
} catch (error) {
  console.error(`tandem-nats-worker: ${(error as Error).message}`)
  process.exit(1)
}

let stopping = 0
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    // A second signal stops at once, unless it is the same signal delivered twice (a package
    // manager forwarding a terminal's Ctrl-C to its process group, which has it already).
    if (stopping && Date.now() - stopping > 500) {
      console.error('tandem-nats-worker: stopping at once (second signal).')
      process.exit(1)
    }
    if (stopping) return
    stopping = Date.now()
    console.log(`tandem-nats-worker: ${signal}: finishing the requests in progress, then stopping.`)
    worker.close().then(
      () => process.exit(0),
      (error) => {
        console.error('tandem-nats-worker: the stop failed', error)
        process.exit(1)
      },
    )
  })
}
