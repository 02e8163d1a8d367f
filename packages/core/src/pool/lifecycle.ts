import { blockingFingerprint, sealBlockingRegistry } from '../execution/blocking.ts'
import type { Answers } from './answers.ts'
import type { Dispatcher } from './dispatch.ts'
import { deserializeError } from './errors-wire.ts'
import { type LinkEvents, WorkerLink } from './link.ts'
import type { FromWorker } from './protocol.ts'
import type { PoolState } from './state.ts'
import type { TransportFactory } from './transport.ts'

function fingerprintMismatch(index: number, main: string[], worker: string[]): Error {
  const length = Math.max(main.length, worker.length)
  for (let i = 0; i < length; i++) {
    if (main[i] !== worker[i]) {
      return new Error(
        `Worker ${index} registered different blocking functions than the main thread: blocking function #${i} is ` +
          `${main[i] ? `"${main[i]}"` : 'missing'} on the main thread but ${worker[i] ? `"${worker[i]}"` : 'missing'} ` +
          'in the worker. Call blocking() at module top level, unconditionally, in the same order on every thread ' +
          '(workers load the entry module: check serve({ entry })).',
      )
    }
  }
  return new Error(`Worker ${index} reported a different blocking-function fingerprint.`)
}

/**
 * The life of the pool's workers: starting them (and a replacement for each one lost), checking
 * that each registered the same blocking functions, and routing what each worker says to the pool.
 */
export class WorkerLifecycle implements LinkEvents {
  readonly #state: PoolState
  readonly #factory: TransportFactory
  readonly #dispatch: Dispatcher
  readonly #answers: Answers
  readonly #lost: (link: WorkerLink, reason: string) => void

  /** `lost` is told when a live worker exits. */
  constructor(
    state: PoolState,
    factory: TransportFactory,
    dispatch: Dispatcher,
    answers: Answers,
    lost: (link: WorkerLink, reason: string) => void,
  ) {
    this.#state = state
    this.#factory = factory
    this.#dispatch = dispatch
    this.#answers = answers
    this.#lost = lost
  }

  /** Starts every worker; resolves once each is ready, rejects when one fails to start. */
  start(): Promise<void> {
    const state = this.#state
    if (state.phase !== 'new') throw new Error('The pool was started already.')
    state.phase = 'starting'
    return new Promise<void>((resolve, reject) => {
      state.started = { resolve, reject }
      for (let i = 0; i < state.options.size; i++) this.spawn(i)
    })
  }

  /** Starts worker number `index`, in the place of the one it replaces. */
  spawn(index: number): WorkerLink {
    const link = WorkerLink.open(this.#factory, index, this)
    this.#state.links[index] = link
    return link
  }

  received(link: WorkerLink, message: FromWorker): void {
    switch (message.type) {
      case 'loaded':
        return
      case 'ready':
        this.#ready(link, message.fingerprint)
        return
      case 'startup-error':
        this.startupFailed(link, deserializeError(message.error))
        return
      case 'closed':
        link.slot.onClosed?.()
        return
      case 'result':
      case 'error':
        this.#answers.answer(link, message)
    }
  }

  exited(link: WorkerLink, reason: string): void {
    if (!link.slot.dead) this.#lost(link, reason)
  }

  #ready(link: WorkerLink, fingerprint: string[]): void {
    const main = blockingFingerprint()
    if (fingerprint.join('\n') !== main.join('\n')) {
      this.startupFailed(link, fingerprintMismatch(link.slot.index, main, fingerprint))
      return
    }
    link.slot.ready = true
    const state = this.#state
    if (state.phase === 'starting' && state.links.every(({ slot }) => slot.ready)) {
      state.phase = 'running'
      sealBlockingRegistry('the worker pool')
      state.started?.resolve()
      state.started = undefined
    }
    this.#dispatch.pump()
  }

  /** A worker failed to start: while the pool starts, the pool fails; later, it is retried in 1 s. */
  startupFailed(link: WorkerLink, error: unknown): void {
    const state = this.#state
    link.slot.dead = true
    void link.terminate()
    if (state.phase === 'starting') {
      state.phase = 'closed'
      for (const other of state.links) {
        other.slot.dead = true
        void other.terminate()
      }
      state.started?.reject(error)
      state.started = undefined
      return
    }
    const index = link.slot.index
    state.options.logger?.error(
      `A replacement pool worker (${index}) failed to start; retrying in 1 s.`,
      error,
    )
    const timer = setTimeout(() => {
      if (state.phase === 'running' || state.phase === 'closing') this.spawn(index)
    }, 1000)
    ;(timer as { unref?: () => void }).unref?.()
  }
}
