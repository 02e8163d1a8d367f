// The entry of every pool worker thread: it loads the app's entry module (which declares the
// blocking functions and calls serve(), which does not listen in a worker), then answers calls.
import { setPriority } from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import { type FromWorker, runPoolWorker, type ToWorker } from '@tandem/core'

const data = workerData as { tandemPool: true; entry: string; flags: SharedArrayBuffer; nice: number }
const port = parentPort!

// Below the event loop's priority (per thread on Linux): the loop answers cheap requests first
// while every worker is busy. Lowering one's own priority needs no privilege; a system that
// refuses it leaves the worker at the default.
// Linux only: elsewhere (macOS, Windows) the niceness is the whole process's, the loop's too.
if (data.nice > 0 && process.platform === 'linux') {
  try {
    setPriority(data.nice)
  } catch {}
}

await runPoolWorker(
  {
    postMessage: (message: FromWorker, transfer?: Transferable[]) =>
      port.postMessage(message, transfer as never),
    onMessage: (listener: (message: ToWorker) => void) => port.on('message', listener),
  },
  { flags: data.flags, load: () => import(data.entry) },
)
