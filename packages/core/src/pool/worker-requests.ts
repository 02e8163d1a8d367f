import { blockingRegistry } from '../execution/blocking.ts'
import type { ContextEffects } from '../execution/scheduler.ts'
import { encodeResponse } from '../execution/snapshot.ts'
import { unwrapTransfer } from '../execution/transfer.ts'
import { deserializeError, type SerializedError } from './errors-wire.ts'
import type { ToWorker } from './protocol.ts'
import { workerAppState } from './worker-app.ts'
import { ContextOutcome } from './worker-call.ts'
import { type RequestState, WorkerContext } from './worker-context.ts'

/**
 * What the worker keeps per request until the main side releases it: values kept by ref, open
 * blocking yield dependencies, background tasks that run here; and the calls that use them.
 */
export class WorkerRequests {
  readonly #requests = new Map<number, RequestState>()

  #request(id: number): RequestState {
    let state = this.#requests.get(id)
    if (!state) {
      state = { values: new Map(), exits: new Map(), tasks: new Map(), next: 1 }
      this.#requests.set(id, state)
    }
    return state
  }

  /** Runs a blocking handler or dependency with its context rebuilt; keeps its value or yield exit if asked. */
  async context(
    message: ToWorker & { type: 'context' },
    signal: AbortSignal | undefined,
  ): Promise<ContextOutcome> {
    const state = this.#request(message.request)
    const info = blockingRegistry()[message.fn]!
    const ctx = new WorkerContext(message.ctx, state, signal, workerAppState)
    let { value, list } = unwrapTransfer(await info.fn(ctx))
    const out: { ref?: number; exit?: number; value?: unknown; effects?: ContextEffects } = {}
    if (message.yields) {
      const generator = value as Generator | AsyncGenerator
      const step = await generator.next()
      if (step.done) {
        throw new Error(`The blocking yield dependency "${info.name}" returned without yielding a value.`)
      }
      out.exit = state.next++
      state.exits.set(out.exit, generator)
      value = step.value
    }
    if (message.keep) {
      out.ref = state.next++
      state.values.set(out.ref, value)
      list = undefined
    } else out.value = await encodeResponse(value)
    const effects = ctx.effects()
    if (effects) out.effects = effects
    return new ContextOutcome(out, list)
  }

  /** A value kept for a request (to send back: a `fetch`). */
  value(request: number, ref: number): unknown {
    return this.#request(request).values.get(ref)
  }

  /** Exits a blocking yield dependency: `next()`, or `throw(error)` at its yield. */
  async exit(request: number, exit: number, error: SerializedError | undefined): Promise<'done' | 'yielded'> {
    const state = this.#request(request)
    const generator = state.exits.get(exit)
    if (!generator) return 'done'
    state.exits.delete(exit)
    const step = error ? await generator.throw(deserializeError(error)) : await generator.next()
    if (!step.done) {
      await generator.return(undefined)
      return 'yielded'
    }
    return 'done'
  }

  /** Runs a background task kept for a request (a non-blocking function added on this worker). */
  async task(request: number, task: number): Promise<void> {
    const kept = this.#request(request).tasks.get(task)
    if (kept) await kept.fn(...kept.args)
  }

  /** Forgets what was kept for a request, closing its open yield dependencies. */
  release(request: number): void {
    const state = this.#requests.get(request)
    if (!state) return
    this.#requests.delete(request)
    for (const generator of state.exits.values())
      void Promise.resolve(generator.return(undefined)).catch(() => {})
  }

  /** Releases every request (the pool is closing). */
  releaseAll(): void {
    for (const request of [...this.#requests.keys()]) this.release(request)
  }
}
