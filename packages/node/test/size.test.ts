// The size budget of @tandem/node's entry: its own code, without @tandem/core and ws.
import { join } from 'node:path'
import { measureEntry } from '@tandem/size-budget'
import { expect, it } from 'vitest'

it('@tandem/node (dist/index.js, minified, without @tandem/core and ws) stays within its budget', async () => {
  const size = await measureEntry({
    name: '@tandem/node',
    entry: join(import.meta.dirname, '..', 'dist', 'index.js'),
    external: ['@tandem/core', '@tandem/core/*', 'ws'],
    platform: 'node',
    budget: 7.5 * 1024, // 6.8 KB in December 2026
  })
  console.log(size.line)
  expect(size.problem).toBeUndefined()
})
