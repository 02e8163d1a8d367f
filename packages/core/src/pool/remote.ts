import type { RemoteExecution } from '../execution/scheduler.ts'
import type { Admission } from './admission.ts'
import type { Dispatcher } from './dispatch.ts'
import { serializeError } from './errors-wire.ts'
import type { PoolState } from './state.ts'
import { checkedLimit } from './time-limit.ts'

/**
 * The pool's `RemoteExecution`: a request's blocking steps on its worker (contexts through the
 * queue; fetches, cleanups and background tasks straight to the worker holding its values), and
 * the release of what the worker kept for it.
 */
export function remoteExecution(
  state: PoolState,
  admission: Admission,
  dispatch: Dispatcher,
): RemoteExecution {
  const exited = (request: number) => {
    state.requests.exited(request)
    dispatch.pump()
  }
  return {
    newRequest: () => state.nextRequest++,
    context: (info, request, ctx, opts) => {
      if (opts.timeout !== undefined) state.requestLimits.set(request, checkedLimit(opts.timeout))
      return admission.submit(
        {
          type: 'context',
          fn: info.id,
          request,
          ctx,
          keep: opts.keep,
          yields: opts.yields,
          ...(opts.replyTo === undefined ? {} : { replyTo: opts.replyTo }),
        },
        opts.label ?? `blocking function "${info.name}"`,
        request,
        opts.signal,
        opts.transfer,
        opts.yields,
      )
    },
    fetch: (request, ref) =>
      admission
        .direct(request, { type: 'fetch', request, ref }, `a value of request ${request}`)
        .then((r) => r.value),
    exit: (request, exit, raised) =>
      admission
        .direct(
          request,
          { type: 'exit', request, exit, ...(raised ? { error: serializeError(raised.error) } : {}) },
          'a cleanup',
        )
        .then(
          (r) => {
            exited(request)
            return r.value as 'done' | 'yielded'
          },
          (raised) => {
            exited(request)
            throw raised
          },
        ),
    task: (request, task) =>
      admission.direct(request, { type: 'task', request, task }, 'a background task').then(() => undefined),
    release: (request) => {
      state.requestLimits.delete(request)
      const link = state.requests.release(request)
      // A worker that is gone has nothing left to release.
      if (link && !link.slot.dead) link.tell({ type: 'release', request })
      dispatch.pump()
    },
  }
}
