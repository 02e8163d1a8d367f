import type { Slot } from './slot.ts'
import type { Task } from './task.ts'

// The pool's decisions that read a worker's call marks (protocol.ts, `callCells`): which call ran
// past the time limit, and what each call of a lost worker gets. Pure: the pool applies them.

/**
 * The call of `slot` that ran past its limit (`task.limit` ms, counted from the worker's start mark),
 * or how many ms until the next check (`undefined`: no call in flight has a limit). A call that is
 * past its limit while another call holds the worker's thread (a pending async call behind a
 * synchronous one) is not charged: the holder is, at its own deadline.
 */
export function overdueCall(slot: Slot, now: number): Task | number | undefined {
  const holder = Atomics.load(slot.cells.current, 0) - 1
  let next = Number.POSITIVE_INFINITY
  for (const task of slot.inflight) {
    if (task.limit <= 0) continue
    const started = slot.startedAt(task.flag) ?? (task.flag < 0 ? task.sentAt : undefined)
    // Not started: it cannot be overdue before its whole limit from now.
    const left = started === undefined ? task.limit : started + task.limit - now
    if (left > 0) next = Math.min(next, left)
    else if (holder < 0 || holder === task.flag) return task
    // Overdue but not holding the thread: the holder is charged at its own deadline.
    else next = Math.min(next, task.limit)
  }
  return next === Number.POSITIVE_INFINITY ? undefined : Math.max(1, Math.ceil(next))
}

/** What the calls of a lost worker get. */
export interface LostCalls {
  /** Answered before the worker went: their answers are on their way. */
  answered: Task[]
  /** Started and not answered: they fail, never to run again. */
  ran: Task[]
  /** Not started, but their request's values were on the lost worker: they fail. */
  stranded: Task[]
  /** Not started: they run on another worker. */
  movable: Task[]
  /** Requests whose values were on the lost worker (anchored, or with a call that ran there). */
  requests: Set<number>
}

/**
 * Sorts the calls sent to (`inflight`) or waiting for (`local`) a lost worker by what the worker
 * marked, not by the messages in transit, so a call is started at most once.
 */
export function sortLostCalls(slot: Slot, anchored: (request: number) => boolean): LostCalls {
  const lost: LostCalls = { answered: [], ran: [], stranded: [], movable: [], requests: new Set() }
  for (const task of slot.inflight) {
    if (task.request !== undefined && slot.started(task.flag)) lost.requests.add(task.request)
  }
  for (const request of slot.requests) if (anchored(request)) lost.requests.add(request)
  for (const task of slot.inflight) {
    if (slot.answered(task.flag)) lost.answered.push(task)
    else if (slot.started(task.flag)) lost.ran.push(task)
    else sortWaiting(task, lost)
  }
  for (const task of slot.local) sortWaiting(task, lost)
  return lost
}

function sortWaiting(task: Task, lost: LostCalls): void {
  if (task.direct || (task.request !== undefined && lost.requests.has(task.request))) lost.stranded.push(task)
  else lost.movable.push(task)
}
