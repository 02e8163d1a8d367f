// The entry of every pool worker thread: it loads the app's entry module (which declares the
// blocking functions and calls serve(), which does not listen in a worker), then answers calls.
import { setPriority } from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import { type FromWorker, lowerWorkerPriority, runPoolWorker, type ToWorker } from '@tandem/core'

const data = workerData as { tandemPool: true; entry: string; flags: SharedArrayBuffer; nice: number }
const port = parentPort!

lowerWorkerPriority(data.nice, setPriority)

await runPoolWorker(
  {
    postMessage: (message: FromWorker, transfer?: Transferable[]) =>
      port.postMessage(message, transfer as never),
    onMessage: (listener: (message: ToWorker) => void) => port.on('message', listener),
  },
  { flags: data.flags, load: () => import(data.entry) },
)
