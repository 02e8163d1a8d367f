import { PoolClosedError } from '@tandem/core'
import type { SchedulerState } from './state.ts'

// Close and terminate: a close lets the queued and running calls finish, a terminate fails them
// (telling the workers to abort the running ones); both then leave NATS, once.

/** Lets queued and running calls finish, then leaves NATS. */
export async function closeScheduler(state: SchedulerState): Promise<void> {
  if (state.phase === 'open') state.phase = 'closing'
  if (!state.isIdle() && state.phase === 'closing') {
    await new Promise<void>((resolve) => {
      const previous = state.idle
      state.idle = () => {
        previous?.()
        resolve()
      }
    })
  }
  await leave(state)
}

/** Stops now: queued calls fail, running ones are told to abort and fail with `PoolClosedError`. */
export async function terminateScheduler(state: SchedulerState): Promise<void> {
  state.phase = 'closed'
  const waiting = state.queue.splice(0)
  for (const worker of state.workers.values()) waiting.push(...worker.parked.splice(0))
  for (const call of waiting) {
    state.forget(call)
    call.reject(new PoolClosedError(call.label, 'the pool was terminated'))
  }
  for (const call of [...state.calls.values()]) {
    if (call.worker && call.kind !== 'ping')
      state.publish(call.worker, { t: 'abort', s: state.id, id: call.id })
    state.settle(call)
    call.reject(new PoolClosedError(call.label))
  }
  state.wakeIdle()
  await leave(state)
}

/** Stops the timers and subscriptions and drains the connection (once, however often it is called). */
function leave(state: SchedulerState): Promise<void> {
  state.left ??= (async () => {
    state.phase = 'closed'
    clearInterval(state.timer)
    if (state.retryTimer) clearTimeout(state.retryTimer)
    for (const subscription of state.subscriptions) subscription.unsubscribe()
    if (!state.nc.isClosed()) await state.nc.drain().catch(() => {})
  })()
  return state.left
}
