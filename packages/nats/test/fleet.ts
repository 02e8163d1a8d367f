// Test helpers: real tandem-nats-worker processes (the built bin) on a real nats-server.
import { type ChildProcess, spawn } from 'node:child_process'
import type { Scheduler } from '@tandem/core/adapter'
import { type NatsScheduler, type NatsSchedulerOptions, natsScheduler } from '@tandem/nats'

const bin = new URL('../dist/bin.js', import.meta.url).pathname

/** A worker process, with what it printed. */
export interface WorkerProcess {
  readonly child: ChildProcess
  readonly pid: number
  output(): string
  /** Sends `signal` and waits for the exit (SIGKILL after 10 s). */
  stop(signal?: NodeJS.Signals): Promise<number | null>
  exited: Promise<number | null>
}

const started = new Set<WorkerProcess>()

/** Starts `tandem-nats-worker entry` with the runtime running the test (node or bun). */
export function startWorker(
  entry: string,
  servers: string,
  subject: string,
  concurrency = 1,
  extra: string[] = [],
): WorkerProcess {
  const child = spawn(
    process.execPath,
    [bin, entry, '--servers', servers, '--subject', subject, '--concurrency', String(concurrency), ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  child.stdout!.on('data', (chunk) => {
    output += chunk
  })
  child.stderr!.on('data', (chunk) => {
    output += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const worker: WorkerProcess = {
    child,
    pid: child.pid!,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      const code = await exited
      clearTimeout(timer)
      started.delete(worker)
      return code
    },
  }
  started.add(worker)
  return worker
}

/** Kills every worker process still running (after a test that failed half-way). */
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
  const subject = options.subject ?? `t${process.pid}x${subjects++}`
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
