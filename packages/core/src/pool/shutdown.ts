import { PoolClosedError } from '../errors.ts'
import type { PoolState } from './state.ts'
import type { Task } from './task.ts'

/** A `start()` still waiting for its workers fails: the pool was closed or terminated first. */
function abandonStart(state: PoolState, how: string): void {
  state.started?.reject(
    new PoolClosedError('Starting the worker pool', `the pool was ${how} before its workers were ready`),
  )
  state.started = undefined
}

/** Lets queued and running calls finish, then has each worker run its teardown and stops it. */
export async function closePool(state: PoolState): Promise<void> {
  abandonStart(state, 'closed')
  if (state.phase === 'closed') return
  if (state.phase !== 'closing') {
    state.phase = 'closing'
    if (!state.isIdle()) await new Promise<void>((resolve) => (state.idle = resolve))
  }
  state.phase = 'closed'
  // Each worker runs the app's lifespan teardown (5 s at most), then stops.
  await Promise.allSettled(
    state.links.map(async (link) => {
      const slot = link.slot
      if (!slot.dead && slot.ready) {
        await new Promise<void>((resolve) => {
          slot.onClosed = resolve
          const timer = setTimeout(resolve, 5000)
          ;(timer as { unref?: () => void }).unref?.()
          if (!link.tell({ type: 'close' })) resolve()
        })
      }
      slot.dead = true
      return link.terminate()
    }),
  )
}

/** Stops every worker now; running and queued calls fail with `PoolClosedError`. */
export async function terminatePool(state: PoolState): Promise<void> {
  abandonStart(state, 'terminated')
  state.phase = 'closed'
  const stop = (task: Task) => {
    state.settle(task)
    task.reject(new PoolClosedError(task.label, 'the pool was terminated (a shutdown past its deadline)'))
  }
  for (const { slot } of [...state.links, ...state.dying]) {
    slot.dead = true
    slot.outbox = []
    for (const task of [...slot.inflight, ...slot.local.splice(0)]) stop(task)
  }
  state.dying.clear()
  for (const task of state.queue.clear()) stop(task)
  state.wakeIdle()
  await Promise.allSettled(state.links.map((link) => link.terminate()))
}
