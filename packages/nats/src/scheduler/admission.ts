import { HTTPException, PoolClosedError, PoolQueueFullError, WorkerCrashedError } from '@tandem/core'
import { encode, type ToWorker, tooBig } from '../wire.ts'
import { abort, pick, pump, sendBound } from './dispatch.ts'
import { NoWorkersError } from './errors.ts'
import { abortReason, type Call, type Kind, type SchedulerState } from './state.ts'

// Admission: a call or step entering the scheduler. It is refused at once when the scheduler is
// closed, the caller aborted, its request was lost, no compatible worker is there or the queue is
// full, or its message cannot be encoded or is over NATS's max_payload; else it is queued, or sent
// to the worker its request is bound to.

export function submit(
  state: SchedulerState,
  kind: Kind,
  label: string,
  request: number | undefined,
  signal: AbortSignal | undefined,
  message: (id: number) => ToWorker,
): Promise<any> {
  if (state.phase !== 'open') return Promise.reject(new PoolClosedError(label))
  if (signal?.aborted) return Promise.reject(abortReason(signal))
  if (request !== undefined && state.lost.has(request)) {
    return Promise.reject(new WorkerCrashedError(label, 'it held this request’s values'))
  }
  const bound = request === undefined ? undefined : state.requests.get(request)
  if (!bound && kind !== 'step') {
    if (state.compatible().length === 0) {
      return Promise.reject(new NoWorkersError(label, state.subject, state.others.size))
    }
    if (state.queue.length >= state.maxQueue && !pick(state)) {
      const threads = Math.max(1, state.threads())
      return Promise.reject(new PoolQueueFullError(label, state.maxQueue, state.queue.length / threads / 100))
    }
  }
  const id = state.nextId++
  const body = message(id)
  let data: Uint8Array
  try {
    data = encode(body)
  } catch (error) {
    return Promise.reject(
      new TypeError(
        `${label}: its arguments cannot be sent to a NATS worker (${(error as Error).message}). ` +
          'Values crossing to workers are serialized: pass plain data, arrays, Maps, Dates, typed arrays.',
      ),
    )
  }
  const max = state.nc.info?.max_payload ?? 1024 * 1024
  if (data.byteLength > max) {
    const error = tooBig(
      kind === 'ctx' ? `The request and injected values for ${label}` : `The arguments of ${label}`,
      data.byteLength,
      max,
      state.nc.getServer(),
    )
    // A request too big to reach a worker is the client's to fix (413, without the server's address);
    // a utility's arguments are the app's (500, logged with the whole message).
    if (kind !== 'ctx') return Promise.reject(error)
    const detail = `The request is too large for ${label}: ${Math.ceil(data.byteLength / 1024)} KB once serialized, over the ${Math.floor(max / 1024)} KB a worker message may carry.`
    return Promise.reject(new HTTPException(413, detail))
  }
  return new Promise((resolve, reject) => {
    const call: Call = {
      id,
      kind,
      label,
      message: body,
      data,
      request,
      resolve,
      reject,
      signal,
      onAbort: undefined,
      worker: undefined,
      binds: false,
      seq: 0,
    }
    if (signal) {
      call.onAbort = () => abort(state, call)
      signal.addEventListener('abort', call.onAbort, { once: true })
    }
    if (bound) {
      sendBound(state, bound, call)
      return
    }
    if (kind === 'step') {
      state.settle(call)
      reject(new WorkerCrashedError(label, 'the worker holding this request is gone'))
      return
    }
    state.queue.push(call)
    pump(state)
  })
}
