/** How long a slow-loading pool entry's evaluation blocks its thread, in ms (pool-start-suite.ts). */
export const LOAD_MS = 400

/** Blocks the thread for `LOAD_MS`: the top-level work of a slow-loading entry module. */
export function loadSlowly(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, LOAD_MS)
}
