// The size budget of @tandem/bun's entry: its own code, without @tandem/core.
import { expect, it } from 'bun:test'
import { join } from 'node:path'
import { measureEntry } from '@tandem/size-budget'

it('@tandem/bun (dist/index.js, minified, without @tandem/core) stays within its budget', async () => {
  const size = await measureEntry({
    name: '@tandem/bun',
    entry: join(import.meta.dir, '..', 'dist', 'index.js'),
    external: ['@tandem/core', '@tandem/core/*', 'bun', 'bun:*'],
    platform: 'node',
    budget: 2.5 * 1024, // 2.0 KB in December 2026
  })
  console.log(size.line)
  expect(size.problem).toBeUndefined()
})
