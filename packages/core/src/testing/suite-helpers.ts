import { type BlockingFunction, blockingInfo } from '../execution/blocking.ts'
import type { ContextSnapshot, Scheduler } from '../execution/scheduler.ts'

// Helpers shared by the scheduler conformance cases.

/** Runs a blocking function on `scheduler` as a utility call. */
export function run<A extends unknown[]>(
  scheduler: Scheduler,
  fn: BlockingFunction<A>,
  args: A,
  signal?: AbortSignal,
) {
  return scheduler.run(blockingInfo(fn), args, signal ? { signal } : {})
}

/** The rejection of a call that must fail (runner-neutral: no `.rejects`). */
export async function caught(promise: Promise<unknown>): Promise<any> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('Expected the call to fail, but it succeeded.')
}

/**
 * A request context as it crosses to a worker, with `body` and `deps`: for a scheduler's own tests
 * of `remote.context()` beyond the conformance suite.
 *
 * @example
 * const kept = await scheduler.remote!.context(blockingInfo(keep), request, snapshot('hi'), { keep: true, yields: false })
 * await scheduler.remote!.context(blockingInfo(useKept), request, snapshot(null, { kept: { [REF]: kept.ref } }), { keep: false, yields: false })
 */
export function snapshot(body: unknown, deps: Record<string, unknown> = {}): ContextSnapshot {
  return {
    params: {},
    query: {},
    headers: {},
    cookies: {},
    body,
    form: undefined,
    deps,
    scopes: [],
    request: { url: 'http://localhost/suite', method: 'POST', headers: [], body: null },
  }
}
