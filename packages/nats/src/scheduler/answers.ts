import type { Msg } from '@nats-io/transport-node'
import { PoolTimeoutError, WorkerCrashedError } from '@tandem/core'
import type { RemoteResult } from '@tandem/core/adapter'
import { deserializeError } from '@tandem/core/pool'
import { decode, type FromWorker } from '../wire.ts'
import { pump, requeue, retrySoon } from './dispatch.ts'
import { reconcile } from './liveness.ts'
import type { Call, SchedulerState, Worker } from './state.ts'
import { lose } from './workers.ts'

// Answers: what comes back to the scheduler's inbox for a call. "No responders" loses the worker
// (the call goes back to the queue unless it ran or its request's values were there), busy puts
// the call back at the head of the queue, a pong is reconciled, a value or an error settles the
// call and is counted.

export function onReply(state: SchedulerState, msg: Msg): void {
  const id = Number(msg.subject.slice(state.inbox.length + 1))
  const call = state.calls.get(id)
  if (!call) return
  const worker = call.worker!
  if (msg.headers?.code === 503 && call.thread !== undefined) {
    // No responders on a thread's subject: that thread is restarting or cut off, and the call
    // reached no one. It goes back to the queue; the thread is skipped until the worker's next
    // heartbeat says it takes calls again.
    worker.threadsGone.add(call.thread)
    requeue(state, call)
    pump(state)
    return
  }
  if (msg.headers?.code === 503) {
    // No responders: the worker's subscription is gone, so this call reached no one.
    state.unsend(call)
    if (call.kind === 'ping') {
      lose(state, worker, 'it left NATS (no responders on its subject)')
      return
    }
    if (call.binds && call.request !== undefined) state.unbind(call.request)
    lose(state, worker, 'it left NATS (no responders on its subject)')
    if (call.kind === 'step' || (call.request !== undefined && state.lost.has(call.request))) {
      state.fail(call, new WorkerCrashedError(call.label, 'the worker holding this request is gone'))
    } else {
      requeue(state, call)
    }
    pump(state)
    return
  }
  let answer: FromWorker
  try {
    answer = decode<FromWorker>(msg.data)
  } catch (error) {
    state.fail(
      call,
      new Error(
        `The answer of NATS worker ${worker.id} to ${call.label} could not be read (${(error as Error).message}): ` +
          'servers and workers must run on the same runtime.',
      ),
    )
    pump(state)
    return
  }
  switch (answer.t) {
    case 'busy':
      // It had no free thread: the call never started there. It goes back to the head of the queue.
      if (call.binds && call.request !== undefined) state.unbind(call.request)
      if (call.reclaimed) call.viaLoop = true
      worker.retryAt = Date.now() + 25
      requeue(state, call)
      retrySoon(state)
      break
    case 'pong':
      state.settle(call)
      worker.pingedAt = 0
      reconcile(state, worker, call, answer.running, answer.occupied ?? [])
      break
    case 'ok': {
      state.settle(call)
      worker.retryAt = 0
      if (call.kind === 'call' || call.kind === 'ctx') state.completed++
      const value = answer.value as RemoteResult
      if (call.kind === 'ctx' && (call.message as { yields?: boolean }).yields && value?.exit !== undefined) {
        worker.held++
      }
      call.resolve(answer.value)
      break
    }
    case 'err': {
      worker.retryAt = 0
      let error = deserializeError(answer.error)
      if (error instanceof PoolTimeoutError) error = timedOut(state, call, worker)
      state.fail(call, error)
      break
    }
  }
  pump(state)
}

function timedOut(state: SchedulerState, call: Call, worker: Worker): PoolTimeoutError {
  const ms = (call.message as { timeout?: number }).timeout ?? state.timeout
  const error = new PoolTimeoutError(call.label, ms)
  error.message =
    `${call.label} ran longer than the timeout of ${ms} ms on NATS worker ${worker.id} (${worker.heartbeat.host}) ` +
    'and was stopped (its thread was replaced). Make the work shorter, or raise natsScheduler({ timeout }).'
  return error
}
