import { callMemory, type FromWorker, type ToWorker } from './protocol.ts'
import { Slot } from './slot.ts'
import type { Task, TaskLink } from './task.ts'
import type { Transport, TransportFactory } from './transport.ts'

/** How long `terminate()` waits for a worker that is still loading its modules, in ms. */
export const LOAD_GRACE_MS = 5000

/** What a worker's link reports to the pool: each message, and the worker's exit. */
export interface LinkEvents {
  /** A message from the worker, in the order it sent them. */
  received(link: WorkerLink, message: FromWorker): void
  /** The worker is gone (exit, uncaught error, out of memory). */
  exited(link: WorkerLink, reason: string): void
}

/**
 * One worker of the pool: the pool's bookkeeping about it (`slot`) and the channel to it, which
 * nothing else touches: every message to the worker leaves through `send`.
 */
export class WorkerLink implements TaskLink {
  readonly slot: Slot
  readonly #transport: Transport
  /** Resolved by the worker's first message or its exit: it is no longer loading its modules. */
  #loaded: Promise<void>
  #markLoaded!: () => void

  /** Starts worker number `index` over the adapter's transport, reporting to `events`. */
  static open(factory: TransportFactory, index: number, events: LinkEvents): WorkerLink {
    const flags = callMemory()
    const link = new WorkerLink(new Slot(index, flags), factory({ index, flags }))
    link.#transport.onReceive((message) => {
      link.#markLoaded()
      events.received(link, message)
    })
    link.#transport.onExit((reason) => {
      link.#markLoaded()
      events.exited(link, reason)
    })
    return link
  }

  private constructor(slot: Slot, transport: Transport) {
    this.slot = slot
    this.#transport = transport
    this.#loaded = new Promise<void>((resolve) => (this.#markLoaded = resolve))
  }

  /** Posts a message to the worker; throws what the transport threw (a value that cannot be cloned). */
  send(message: ToWorker, transfer?: Transferable[]): void {
    this.#transport.send(message, transfer)
  }

  /** Sends a message that needs no answer; false when it could not leave (the worker is gone). */
  tell(message: ToWorker): boolean {
    try {
      this.send(message)
      return true
    } catch {
      return false
    }
  }

  /**
   * Stops the worker; what it answered before stopping is still received. A worker still loading
   * its modules is stopped once it has loaded them (its first message, `loaded`) or after `LOAD_GRACE_MS`:
   * terminating a thread in the middle of module evaluation can abort the whole process on Node
   * (a V8 fatal error, nodejs/node#42501 and #60755) and on Bun (oven-sh/bun#34655).
   */
  async terminate(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([
      this.#loaded,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, LOAD_GRACE_MS)
      }),
    ])
    clearTimeout(timer)
    return this.#transport.terminate()
  }

  /** Takes a settled (or moved) call off this worker's calls in flight. */
  remove(task: Task): void {
    this.slot.remove(task)
  }

  /** Tells this worker a call it was sent was aborted. */
  abort(task: Task): void {
    this.slot.abort(task.flag)
    // When the worker is gone (the message cannot leave), its exit handler fails the task.
    this.tell({ type: 'abort', id: task.id })
  }
}
