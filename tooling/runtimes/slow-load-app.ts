// A pool entry whose module evaluation takes ~400 ms of synchronous work, to stop a pool while its
// workers are still evaluating it (pool-start-suite.ts).
import { blocking } from '@tandem/core'

/** How long the module's evaluation blocks its thread, in ms. */
export const LOAD_MS = 400

Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, LOAD_MS)

/** Answers `pong` once the module has loaded. */
export const ping = blocking(function ping() {
  return 'pong'
})
