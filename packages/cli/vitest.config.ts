import { defineConfig } from 'vitest/config'

// Every test spawns the real tandem bin, some of them several times in a row: on a loaded machine
// (CI runs two packages' tests at once on 2 cores) that takes longer than vitest's default 5 s.
export default defineConfig({ test: { testTimeout: 30_000, hookTimeout: 60_000 } })
