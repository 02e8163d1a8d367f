// Test helpers: real tandem-nats-worker processes (the built bin) on a real nats-server.
import { type ChildProcess, spawn } from 'node:child_process'
import type { Scheduler } from '@tandem/core/adapter'
import { type NatsLogger, type NatsScheduler, type NatsSchedulerOptions, natsScheduler } from '@tandem/nats'
import { natsWorkerArgs } from '@tandem/runtimes/nats-worker'

const bin = new URL('../dist/bin.js', import.meta.url).pathname

/** A worker process (or another child process of a test), with what it printed. */
export interface WorkerProcess {
  readonly child: ChildProcess
  readonly pid: number
  output(): string
  /** Sends `signal` and waits for the exit (SIGKILL after 10 s). */
  stop(signal?: NodeJS.Signals): Promise<number | null>
  /** Sends `signal` by PID without waiting (SIGSTOP, SIGCONT...), unless the process has exited. */
  signal(signal: NodeJS.Signals): void
  /** Resolves once its output contains `text`; rejects after `timeout` ms with the output. */
  waitFor(text: string, timeout?: number): Promise<void>
  exited: Promise<number | null>
}

const started = new Set<WorkerProcess>()

/** Starts `node <args>` with its output kept; `killWorkers()` kills it if the test does not stop it. */
export function startProcess(args: string[]): WorkerProcess {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (chunk) => {
    output += chunk
  })
  child.stderr!.on('data', (chunk) => {
    output += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const running = () => child.exitCode === null && child.signalCode === null
  const worker: WorkerProcess = {
    child,
    pid: child.pid!,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (running()) child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      const code = await exited
      clearTimeout(timer)
      started.delete(worker)
      return code
    },
    signal(signal) {
      if (running()) child.kill(signal)
    },
    async waitFor(text, timeout = 20_000) {
      const deadline = Date.now() + timeout
      while (!output.includes(text)) {
        if (!running()) throw new Error(`The process exited before it printed "${text}":\n${output}`)
        if (Date.now() > deadline) throw new Error(`No "${text}" within ${timeout} ms:\n${output}`)
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    },
  }
  started.add(worker)
  return worker
}

/** Starts `tandem-nats-worker entry` with the runtime running the test (node or bun). */
export function startWorker(
  entry: string,
  servers: string,
  subject: string,
  concurrency = 1,
  extra: string[] = [],
): WorkerProcess {
  return startProcess(natsWorkerArgs(bin, entry, servers, subject, concurrency, extra))
}

/** Kills every process started here and still running (after a test that failed half-way). */
export async function killWorkers(): Promise<void> {
  await Promise.all([...started].map((worker) => worker.stop('SIGKILL')))
}

/** A NATS scheduler whose `close()` and `terminate()` also stop the worker processes it was made with. */
export class FleetScheduler implements Scheduler {
  readonly name = 'nats'
  readonly inner: NatsScheduler
  readonly workers: WorkerProcess[]
  constructor(inner: NatsScheduler, workers: WorkerProcess[]) {
    this.inner = inner
    this.workers = workers
  }
  get remote() {
    return this.inner.remote
  }
  run(...args: Parameters<Scheduler['run']>) {
    return this.inner.run(...args)
  }
  stats() {
    return this.inner.stats()
  }
  describe() {
    return this.inner.describe()
  }
  async close() {
    await this.inner.close()
    await Promise.all(this.workers.map((worker) => worker.stop('SIGKILL')))
  }
  async terminate() {
    await this.inner.terminate()
    await Promise.all(this.workers.map((worker) => worker.stop('SIGKILL')))
  }
}

let subjects = 0

/** `count` worker processes (one thread each by default) and a scheduler that sees them all. */
export async function startFleet(
  entry: string,
  servers: string,
  count: number,
  options: Partial<NatsSchedulerOptions> & { concurrency?: number } = {},
): Promise<FleetScheduler> {
  const subject = options.subject ?? newSubject()
  const workers = Array.from({ length: count }, () =>
    startWorker(entry, servers, subject, options.concurrency),
  )
  const scheduler = await natsScheduler({
    servers,
    subject,
    discover: 0,
    logger: { info() {}, warn() {}, error() {} },
    ...options,
  })
  try {
    await scheduler.waitForWorkers(count, 20_000)
  } catch (error) {
    await scheduler.close()
    const outputs = workers.map((worker) => worker.output()).join('\n---\n')
    await Promise.all(workers.map((worker) => worker.stop('SIGKILL')))
    throw new Error(`${(error as Error).message}\nWorker output:\n${outputs}`)
  }
  return new FleetScheduler(scheduler, workers)
}

/** A logger that says nothing. */
export const quiet: NatsLogger = { info() {}, warn() {}, error() {} }

/** A logger that keeps its lines (errors with their error's message). */
export function recorder(): NatsLogger & { lines: string[] } {
  const lines: string[] = []
  return {
    lines,
    info: (line) => lines.push(line),
    warn: (line) => lines.push(line),
    error: (line, error) => lines.push(error === undefined ? line : `${line} ${String(error)}`),
  }
}

/**
 * Resolves with the first truthy value of `check`, polled every 10 ms; rejects after `timeout` ms
 * naming `what`.
 */
export async function until<T>(what: string, check: () => T, timeout = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout
  for (;;) {
    const value = check()
    if (value) return value as NonNullable<T>
    if (Date.now() > deadline) throw new Error(`Waited ${timeout} ms for ${what}.`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** A subject of its own for each test. */
export function newSubject(): string {
  return `t${process.pid}x${subjects++}`
}

/** How a promise ended, without throwing. */
export async function outcome<T>(
  promise: Promise<T>,
): Promise<{ status: 'fulfilled'; value: T } | { status: 'rejected'; reason: any }> {
  try {
    return { status: 'fulfilled', value: await promise }
  } catch (reason) {
    return { status: 'rejected', reason }
  }
}
