// A pool entry whose module evaluation takes LOAD_MS of synchronous work, to stop a pool while its
// workers are still evaluating it (pool-start-suite.ts). The test that starts such a pool imports
// this module too, so its main thread knows `ping` (the workers' fingerprint must match).
import { blocking } from '@tandem/core'
import { loadSlowly } from './slow-load.ts'

loadSlowly()

/** Answers `pong` once the module has loaded. */
export const ping = blocking(function ping() {
  return 'pong'
})
