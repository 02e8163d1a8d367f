import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each case runs the real `changeset version` (and `pnpm pack`) on a small workspace.
    testTimeout: 30_000,
  },
})
