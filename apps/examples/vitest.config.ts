import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// The examples live in docs/examples, outside this package, where no node_modules can be found:
// their bare imports (@tandem/core, zod, hono...) are resolved from this package instead.
const here = fileURLToPath(new URL('./src/examples.test.ts', import.meta.url))

export default defineConfig({
  plugins: [
    {
      name: 'resolve-docs-examples-from-here',
      enforce: 'pre',
      resolveId(source, importer, options) {
        if (!importer?.includes('/docs/examples/')) return null
        if (/^[./]/.test(source) || source.startsWith('node:')) return null
        return this.resolve(source, here, { ...options, skipSelf: true })
      },
    },
  ],
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 20_000,
  },
})
