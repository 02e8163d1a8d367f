import { defineConfig } from 'vitest/config'

// The projects test installs each generated project with npm and runs its test, type-check and
// server: a minute or more per runtime on a loaded 2-core machine.
export default defineConfig({ test: { testTimeout: 30_000, hookTimeout: 120_000 } })
