import { blockingFingerprint, sealBlockingRegistry } from '../execution/blocking.ts'
import { InlineScheduler } from '../execution/inline.ts'
import { markPoolWorker, setScheduler } from '../execution/scheduler-registry.ts'
import { serializeError } from './errors-wire.ts'
import type { FromWorker } from './protocol.ts'
import { callCells, type ToWorker } from './protocol.ts'
import type { PortFilter, PortFilterModule, WorkerPort } from './transport.ts'
import { registerExportedApp, startWorkerApp } from './worker-app.ts'
import { WorkerRuntime } from './worker-runtime.ts'

export { registerWorkerApp, type WorkerApp } from './worker-app.ts'

/**
 * Runs a pool worker: loads the app's entry module (which registers its blocking functions),
 * reports their fingerprint, then answers calls from the main thread. Blocking functions called
 * inside the worker run directly. `filter`: a `PortFilter` module that sees the messages both ways;
 * `index`: the worker's number in its pool (the filter's `PortFilterHost.index`).
 *
 * @example
 * // the adapter's worker entry
 * import { parentPort, workerData } from 'node:worker_threads'
 * await runPoolWorker(portFrom(parentPort), { flags: workerData.flags, load: () => import(workerData.entry) })
 */
export async function runPoolWorker(
  port: WorkerPort,
  options: {
    flags: SharedArrayBuffer
    load: () => Promise<unknown>
    filter?: PortFilterModule
    index?: number
  },
): Promise<void> {
  markPoolWorker()
  setScheduler(new InlineScheduler())
  const early: ToWorker[] = []
  let handle: (message: ToWorker) => void = (message) => early.push(message)
  let filter: PortFilter | undefined
  port.onReceive((message) => handle(message))
  try {
    if (options.filter) {
      const made = await loadFilter(options.filter, options.index ?? 0)
      const raw = port
      port = {
        send: (message, transfer) => {
          const sent: FromWorker | undefined = made.sending(message)
          if (sent) raw.send(sent, transfer)
        },
        onReceive: raw.onReceive,
      }
      filter = made
    }
    registerExportedApp(await options.load())
    // From here the worker can be terminated without the risk of stopping a module's evaluation.
    port.send({ type: 'loaded' })
    // The app's lifespan starts before the worker takes calls: a call never waits for it on a worker
    // where the calls sent behind it could run (and exit the worker) first.
    const started = startWorkerApp()
    if (started) await started
  } catch (error) {
    port.send({ type: 'startup-error', error: serializeError(error) })
    return
  }
  port.send({ type: 'ready', fingerprint: blockingFingerprint() })
  sealBlockingRegistry('this pool worker')
  const runtime = new WorkerRuntime(port, callCells(options.flags))
  runtime.watchExit()
  const active = filter
  handle = active
    ? (message) => {
        active.received(message)
        runtime.handle(message)
      }
    : (message) => runtime.handle(message)
  for (const message of early) handle(message)
  active?.attach?.({
    index: options.index ?? 0,
    run: (id, fn, args) => {
      if (!(id < 0)) throw new RangeError(`A call run by a port filter needs a negative id (got ${id}).`)
      return runtime.runOther(id, fn, args)
    },
  })
}

async function loadFilter(module: PortFilterModule, index: number): Promise<PortFilter> {
  const loaded = (await import(module.href)) as {
    portFilter?: (options: unknown, worker: { index: number }) => PortFilter | Promise<PortFilter>
  }
  if (typeof loaded.portFilter !== 'function') {
    throw new TypeError(
      `${module.href} exports no portFilter(options) function: it is not a pool port filter module.`,
    )
  }
  return loaded.portFilter(module.options, { index })
}
