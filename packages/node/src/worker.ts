// The entry of every pool worker thread: it loads the app's entry module (which declares the
// blocking functions and calls serve(), which does not listen in a worker), then answers calls.
import { setPriority } from 'node:os'
import { type MessagePort, parentPort, workerData } from 'node:worker_threads'
import { type FromWorker, lowerWorkerPriority, runPoolWorker, type ToWorker } from '@tandem/core/pool'

const data = workerData as {
  tandemPool: true
  entry: string
  flags: SharedArrayBuffer
  nice: number
  /** The channel answers go over (pool.ts reads it when woken). */
  answers: MessagePort
  /** 1 while the loop has been woken and has not read the answers yet. */
  wake: SharedArrayBuffer
}
const port = parentPort!
const wake = new Int32Array(data.wake)

lowerWorkerPriority(data.nice, setPriority)

await runPoolWorker(
  {
    send: (message: FromWorker, transfer?: Transferable[]) => {
      data.answers.postMessage(message, transfer as never)
      // Wake the loop unless a wake-up is already on its way (it reads every answer posted before it reads).
      if (Atomics.compareExchange(wake, 0, 0, 1) === 0) port.postMessage(0)
    },
    onReceive: (listener: (message: ToWorker) => void) => port.on('message', listener),
  },
  { flags: data.flags, load: () => import(data.entry) },
)
