import type { RemoteExecution } from '@tandem/core/adapter'
import { serializeError } from '@tandem/core/pool'
import type { ToWorker } from '../wire.ts'
import { submit } from './admission.ts'
import { pump } from './dispatch.ts'
import type { SchedulerState } from './state.ts'

// The scheduler's `RemoteExecution`: a request's blocking steps on the worker it is bound to
// (contexts through the queue, which bind it; fetches, cleanups and background tasks straight to
// that worker), and the release of what the worker keeps for it (told to a lost worker too).

export function remoteExecution(state: SchedulerState): RemoteExecution {
  const step = (request: number, label: string, message: (id: number) => ToWorker) =>
    submit(state, 'step', label, request, undefined, message)
  return {
    newRequest: () => state.nextRequest++,
    context: (info, request, ctx, opts) => {
      const label = opts.label ?? `blocking function "${info.name}"`
      return submit(state, 'ctx', label, request, opts.signal, (id) => ({
        t: 'ctx',
        id,
        s: state.id,
        key: state.compatibilityKey(),
        fn: info.id,
        request,
        ctx,
        keep: opts.keep,
        yields: opts.yields,
        timeout: opts.timeout ?? state.timeout,
      }))
    },
    fetch: (request, ref) =>
      step(request, `a value of request ${request}`, (id) => ({
        t: 'fetch',
        id,
        s: state.id,
        request,
        ref,
      })),
    exit: (request, exit, raised) => {
      const worker = state.requests.get(request)
      const done = () => {
        if (worker && worker.held > 0) worker.held--
        pump(state)
      }
      return step(request, 'a cleanup', (id) => ({
        t: 'exit',
        id,
        s: state.id,
        request,
        exit,
        ...(raised ? { error: serializeError(raised.error) } : {}),
      })).then(
        (value) => {
          done()
          return value as 'done' | 'yielded'
        },
        (error) => {
          done()
          throw error
        },
      )
    },
    task: (request, task) =>
      step(request, 'a background task', (id) => ({ t: 'task', id, s: state.id, request, task })).then(
        () => undefined,
      ),
    release: (request) => {
      const lostOn = state.lost.get(request)
      if (lostOn !== undefined) {
        // A worker taken for lost (frozen, cut off) may come back with the request's values: it is told too.
        state.lost.delete(request)
        state.publishTo(lostOn, { t: 'release', s: state.id, request })
        return
      }
      const worker = state.unbind(request)
      if (!worker) return
      state.publish(worker, { t: 'release', s: state.id, request })
      pump(state)
    },
  }
}
