import { WorkerCrashedError } from '@tandem/core'
import { abortReason, type Call, type SchedulerState, type Worker } from './state.ts'

// Dispatch: moves queued calls to workers (the least loaded compatible worker with a free thread,
// a request's calls to the worker it is bound to, held while that worker is stale) and publishes
// them; puts back a call that reached no thread, and takes an aborted one off the queue.

/** Sends every queued call a worker thread is free for, in order. */
export function pump(state: SchedulerState): void {
  while (state.queue.length > 0 && state.connected) {
    const call = state.queue[0]!
    if (call.request !== undefined && state.lost.has(call.request)) {
      state.queue.shift()
      state.fail(call, new WorkerCrashedError(call.label, 'it held this request’s values'))
      continue
    }
    const bound = call.request === undefined ? undefined : state.requests.get(call.request)
    if (bound) {
      state.queue.shift()
      sendBound(state, bound, call)
      continue
    }
    const worker = pick(state)
    if (!worker) break
    state.queue.shift()
    if (call.request !== undefined && call.kind === 'ctx') {
      state.bind(call.request, worker)
      call.binds = true
    }
    send(state, worker, call)
  }
  if (state.phase === 'closing' && state.isIdle()) state.wakeIdle()
}

/** The least loaded compatible worker with a free thread for this scheduler, if any. */
export function pick(state: SchedulerState): Worker | undefined {
  const now = Date.now()
  let best: Worker | undefined
  for (const worker of state.workers.values()) {
    if (worker.heartbeat.key !== state.compatibilityKey() || worker.heartbeat.draining || worker.stale)
      continue
    if (worker.retryAt > now) continue
    const load = state.load(worker) + worker.held
    if (load >= worker.heartbeat.capacity) continue
    if (!best || load < state.load(best) + best.held) best = worker
  }
  return best
}

export function send(state: SchedulerState, worker: Worker, call: Call): void {
  call.worker = worker
  call.seq = state.nextSeq++
  worker.inflight.add(call)
  state.calls.set(call.id, call)
  const thread = takerFor(worker, call)
  let subject = `${state.subject}.w.${worker.id}`
  if (thread !== undefined) {
    call.thread = thread
    subject = `${subject}.${thread}`
  }
  try {
    state.nc.publish(subject, call.data, { reply: `${state.inbox}.${call.id}` })
  } catch (error) {
    state.settle(call)
    call.reject(error)
  }
}

/**
 * The worker's thread that takes this call itself, if any: a call of no request (with a time limit
 * only if the worker watches those of its threads' calls, `limits` in its heartbeat),
 * to a thread taking calls (its heartbeat's `direct`) that runs none of ours, one without work (as
 * its last pong said) first. Other calls go through the worker's event loop; so does this one while
 * the worker keeps values of ours or has calls of ours that went through its event loop: a call
 * taken by a thread could start before them there, where the worker's pool starts calls in the order
 * they came (a request's step sent behind a call that crashes its thread fails with it).
 */
function takerFor(worker: Worker, call: Call): number | undefined {
  const message = call.message
  if (message.t !== 'call' || message.request !== undefined || call.viaLoop) return undefined
  if (message.timeout > 0 && !worker.heartbeat.limits) return undefined
  if (worker.bound > 0 || worker.held > 0) return undefined
  // Threads running a call of ours already.
  const inUse = new Set<number>()
  for (const other of worker.inflight) {
    if (other === call || other.kind === 'ping') continue
    if (other.thread === undefined) return undefined
    inUse.add(other.thread)
  }
  let chosen: number | undefined
  for (const thread of worker.heartbeat.direct ?? []) {
    if (inUse.has(thread) || worker.threadsGone.has(thread)) continue
    if (!worker.occupied.includes(thread)) return thread
    chosen ??= thread
  }
  return chosen
}

/** Sends a call of a request bound to `worker`, or holds it until the worker is reachable again. */
export function sendBound(state: SchedulerState, worker: Worker, call: Call): void {
  if (worker.stale) worker.parked.push(call)
  else send(state, worker, call)
}

/** The caller aborted: a queued call leaves the queue and fails; a sent one is told to its worker. */
export function abort(state: SchedulerState, call: Call): void {
  if (!call.worker) {
    const index = state.queue.indexOf(call)
    if (index !== -1) state.queue.splice(index, 1)
    for (const worker of state.workers.values()) {
      const parked = worker.parked.indexOf(call)
      if (parked !== -1) worker.parked.splice(parked, 1)
    }
    state.settle(call)
    call.reject(abortReason(call.signal!))
    pump(state)
    return
  }
  abortSent(state, call.worker, call)
}

/**
 * Tells a worker to abort a call it was sent. One sent to a thread: the thread reads it on its own
 * subject (with the call, if both wait unread), and the event loop answers it at once if the thread
 * has not taken it (it waits behind a long call there), so the thread never will.
 */
export function abortSent(state: SchedulerState, worker: Worker, call: Call): void {
  const abort = { t: 'abort', s: state.id, id: call.id } as const
  if (call.thread === undefined) {
    state.publishTo(worker.id, abort)
    return
  }
  state.publishTo(worker.id, abort, call.thread)
  state.publishTo(worker.id, { ...abort, thread: call.thread, reply: `${state.inbox}.${call.id}` })
}

/**
 * A sent call that reached no thread (the worker was busy, or gone) goes back to the head of the
 * queue, still abortable; one whose caller aborted meanwhile fails now and is never sent again.
 */
export function requeue(state: SchedulerState, call: Call): void {
  state.unsend(call)
  if (call.signal?.aborted) {
    state.forget(call)
    call.reject(abortReason(call.signal))
    return
  }
  state.queue.unshift(call)
}

export function retrySoon(state: SchedulerState): void {
  if (state.retryTimer) return
  state.retryTimer = setTimeout(() => {
    state.retryTimer = undefined
    pump(state)
  }, 25)
}
