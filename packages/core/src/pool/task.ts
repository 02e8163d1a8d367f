import type { RemoteResult } from '../execution/scheduler.ts'
import type { Slot } from './slot.ts'

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
  slot: Slot | undefined
  /** The call's cell in its worker's shared memory (-1: none was free). */
  flag: number
  /** When a call without a cell was sent (`clockNow()` ms): its time limit counts from there. */
  sentAt: number
  /** The call holds its worker for its request when it succeeds (a blocking yield dependency). */
  holds: boolean
}
