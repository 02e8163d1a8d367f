import { runFaultSuite } from '@tandem/runtimes/fault-suite'
import { describe, expect, it } from 'vitest'

// `pnpm soak` runs the mixed load for a minute (FAULT_DURATION); `pnpm test` for a few seconds.
runFaultSuite(
  'node',
  new URL('./fixtures/faults.ts', import.meta.url).pathname,
  { describe, it, expect },
  {
    kinds: ['tiny', 'throw', 'exit', 'heap', 'loop', 'late'],
    durationMs: Number(process.env.FAULT_DURATION ?? 10_000),
  },
)
