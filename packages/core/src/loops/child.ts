import { availableParallelism } from 'node:os'

/** The environment variable a supervisor starts each loop with: `<index>/<count>@<port>`, index from 1. */
export const LOOP_ENV = 'TANDEM_LOOP'

/** One event loop among those a supervisor started. */
export interface LoopPlace {
  /** From 1 to `count`. */
  index: number
  count: number
  /** The port every loop listens on (the supervisor's choice when it was asked for 0). */
  port: number
}

/** `currentLoop()`'s answer once read (`null`: not read yet). */
let place: LoopPlace | undefined | null = null

/**
 * This process's place among the loops, when a supervisor started it (`TANDEM_LOOP=2/4@8000`);
 * `undefined` in a process that serves alone or supervises.
 *
 * @example
 * currentLoop() // { index: 2, count: 4, port: 8000 } in the second of four loops
 */
export function currentLoop(): LoopPlace | undefined {
  if (place === null) {
    const match = /^(\d+)\/(\d+)@(\d+)$/.exec(process.env[LOOP_ENV] ?? '')
    place = match ? { index: Number(match[1]), count: Number(match[2]), port: Number(match[3]) } : undefined
    // Read once: a program this loop starts (a script, a tool) is not a loop of this server.
    delete process.env[LOOP_ENV]
  }
  return place
}

/**
 * The pool size one of `count` loops gets by default: the machine's cores shared between the loops,
 * at least one worker each, so the loops' pools add up to the cores, not `count` times them.
 *
 * @example
 * poolShare(2) // 4 on an 8-core machine
 */
export function poolShare(count: number): number {
  return Math.max(1, Math.floor(availableParallelism() / count))
}

/** What a loop tells its supervisor. */
export type LoopMessage = { tandem: 'listening'; url: string } | { tandem: 'failed'; message: string }

/**
 * Tells the supervisor this loop listens at `url`, and calls `onGone` once the supervisor is gone
 * (its channel closes: it crashed or was killed), so a loop never outlives it.
 *
 * @example
 * reportListening(server.url, () => close().then(() => process.exit(0)))
 */
export function reportListening(url: string, onGone: () => void): void {
  if (!process.send) return
  process.send({ tandem: 'listening', url } satisfies LoopMessage)
  process.once('disconnect', onGone)
}

/**
 * Tells the supervisor this loop could not start, with the reason, before the process exits.
 *
 * @example
 * reportFailure(error)
 */
export function reportFailure(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error)
  process.send?.({ tandem: 'failed', message } satisfies LoopMessage)
}
