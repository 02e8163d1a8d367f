import { describe, expect, it } from 'bun:test'
import { runFaultSuite } from '@tandem/runtimes/fault-suite'

// `pnpm soak` runs the mixed load for a minute (FAULT_DURATION); `pnpm test` for a few seconds.
// No `heap` fault: Bun's Web Workers have no heap limit of their own (docs/runtimes/bun.md).
runFaultSuite(
  'bun',
  new URL('./fixtures/faults.ts', import.meta.url).pathname,
  { describe, it, expect },
  {
    kinds: ['tiny', 'throw', 'exit', 'loop', 'late'],
    durationMs: Number(process.env.FAULT_DURATION ?? 10_000),
  },
)
