import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Packing and a registry install come first (beforeAll), then real runtime processes.
    testTimeout: 120_000,
    hookTimeout: 240_000,
    reporters: ['verbose'],
  },
})
