import { defineConfig } from 'vitest/config'

// The tests spawn real nats-server and worker processes (tooling/runtimes/nats-server.ts), some of
// them several times in a row: on a loaded machine (CI runs two packages' tests at once on 2 cores)
// that takes longer than vitest's default 5 s.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 },
})
