import type { RemoteResult } from '../execution/scheduler.ts'

/** A call waiting for, or running on, a worker. */
export interface Task {
  id: number
  /** The message to send, without `id` and `flag` (set at dispatch). */
  message: Record<string, unknown> & { type: string }
  /** Who is called, for errors: `blocking function "hash"`. */
  label: string
  /** The request whose worker this call must run on (`undefined`: any worker). */
  request: number | undefined
  resolve: (message: RemoteResult) => void
  reject: (error: unknown) => void
  signal: AbortSignal | undefined
  onAbort: (() => void) | undefined
  transfer: Transferable[] | undefined
  /** Sent straight to its worker, past the queue and the depth limit (cleanups, fetches, releases). */
  direct: boolean
  /** The worker the call was sent to (`undefined`: not sent, waiting in a queue). */
  link: TaskLink | undefined
  /** The call's cell in its worker's shared memory (-1: none was free). */
  flag: number
  /** When a call without a cell was sent (`clockNow()` ms): its time limit counts from there. */
  sentAt: number
  /** The call holds its worker for its request when it succeeds (a blocking yield dependency). */
  holds: boolean
  /** Milliseconds the call may run once started (0: no limit): the pool's `timeout` unless the call set its own. */
  limit: number
}

/**
 * What a sent call needs of its worker (a `WorkerLink`): a view this narrow keeps task.ts free of
 * the worker's bookkeeping, which lists tasks.
 */
export interface TaskLink {
  /** Takes the call off its worker's calls in flight and frees its cell. */
  remove(task: Task): void
  /** Tells the worker the call was aborted (its shared flag and an `abort` message). */
  abort(task: Task): void
}

/** A new task, not sent yet. */
export function newTask(
  id: number,
  fields: Pick<Task, 'message' | 'label' | 'request' | 'resolve' | 'reject' | 'direct' | 'holds' | 'limit'> &
    Partial<Pick<Task, 'signal' | 'transfer'>>,
): Task {
  return {
    signal: undefined,
    transfer: undefined,
    ...fields,
    id,
    onAbort: undefined,
    link: undefined,
    flag: -1,
    sentAt: 0,
  }
}
