// The entry of every pool worker (a Bun Web Worker): it waits for its start message, loads the
// app's entry module (whose serve() does not listen in a worker), then answers calls.
import { setPriority } from 'node:os'
import {
  type FromWorker,
  lowerWorkerPriority,
  type PortFilterModule,
  runPoolWorker,
  type ToWorker,
} from '@tandem/core/pool'

declare const self: {
  postMessage(message: unknown, transfer?: Transferable[]): void
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void
}

interface Start {
  /** This worker's number in its pool (a replacement has the number of the worker it replaces). */
  index: number
  entry: string
  flags: SharedArrayBuffer
  nice: number
  portFilter?: PortFilterModule
}

const start = await new Promise<Start>((resolve) => {
  const first = (event: MessageEvent) => {
    const data = event.data as { tandemPool?: Start }
    if (!data?.tandemPool) return
    self.removeEventListener('message', first)
    resolve(data.tandemPool)
  }
  self.addEventListener('message', first)
})

lowerWorkerPriority(start.nice, setPriority)

await runPoolWorker(
  {
    send: (message: FromWorker, transfer?: Transferable[]) => self.postMessage(message, transfer),
    onReceive: (listener: (message: ToWorker) => void) =>
      self.addEventListener('message', (event) => listener(event.data as ToWorker)),
  },
  {
    flags: start.flags,
    index: start.index,
    load: () => import(start.entry),
    ...(start.portFilter ? { filter: start.portFilter } : {}),
  },
)
