// The entry of every pool worker thread: it loads the app's entry module (which declares the
// blocking functions and calls serve(), which does not listen in a worker), then answers calls.
import cluster from 'node:cluster'
import { setPriority } from 'node:os'
import { type MessagePort, parentPort, workerData } from 'node:worker_threads'
import {
  type FromWorker,
  lowerWorkerPriority,
  type PortFilterModule,
  runPoolWorker,
  type ToWorker,
} from '@tandem/core/pool'

const data = workerData as {
  tandemPool: true
  /** This thread's number in its pool (a replacement has the number of the thread it replaces). */
  index: number
  entry: string
  flags: SharedArrayBuffer
  nice: number
  /** The channel answers go over (pool.ts reads it when woken). */
  answers: MessagePort
  /** 1 while the loop has been woken and has not read the answers yet. */
  wake: SharedArrayBuffer
  /** The process that started this pool is a node:cluster worker. */
  clusterWorker: boolean
  /** A port filter module (an adapter answering from this thread, see `PortFilter`). */
  portFilter?: PortFilterModule
}
const port = parentPort!
const wake = new Int32Array(data.wake)

lowerWorkerPriority(data.nice, setPriority)

if (data.clusterWorker) {
  // node:cluster tells a worker process by an environment variable it deletes once read, so in this
  // thread `cluster.isPrimary` would be true and an entry written `if (cluster.isPrimary) fork() else
  // serve(app)` would fork from every pool thread. Here it takes the branch of the process it serves.
  Object.assign(cluster, { isPrimary: false, isMaster: false, isWorker: true })
}

const post = (message: FromWorker, transfer?: Transferable[]) => {
  data.answers.postMessage(message, transfer as never)
  // Wake the loop unless a wake-up is already on its way (it reads every answer posted before it reads).
  if (Atomics.compareExchange(wake, 0, 0, 1) === 0) port.postMessage(0)
}

/** Resolves once the main thread has taken what this thread wrote to stdout and stderr (1 s at most). */
function stdioFlushed(): Promise<void> {
  const flushed = (stream: NodeJS.WriteStream) =>
    new Promise<void>((resolve) => {
      if (stream.writableLength === 0) resolve()
      else stream.write('', () => resolve())
    })
  let timer: ReturnType<typeof setTimeout> | undefined
  return Promise.race([
    Promise.all([flushed(process.stdout), flushed(process.stderr)]).then(() => {}),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, 1000))),
  ]).finally(() => clearTimeout(timer))
}

await runPoolWorker(
  {
    send: (message: FromWorker, transfer?: Transferable[]) => {
      // Torn down: what the app wrote to stdout and stderr (its teardown's logs) reaches the main
      // thread through a port of its own; the pool stops this thread once told, so tell it once
      // the main thread has taken every chunk written so far.
      if (message.type === 'closed') void stdioFlushed().then(() => post(message))
      else post(message, transfer)
    },
    onReceive: (listener: (message: ToWorker) => void) => port.on('message', listener),
  },
  {
    flags: data.flags,
    index: data.index,
    load: () => import(data.entry),
    ...(data.portFilter ? { filter: data.portFilter } : {}),
  },
)
