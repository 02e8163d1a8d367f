// The size budget of @tandem/workerd's entry: its own code, without @tandem/core.
import { join } from 'node:path'
import { measureEntry } from '@tandem/size-budget'
import { expect, it } from 'vitest'

it('@tandem/workerd (dist/index.js, minified, without @tandem/core) stays within its budget', async () => {
  const size = await measureEntry({
    name: '@tandem/workerd',
    entry: join(import.meta.dirname, '..', 'dist', 'index.js'),
    external: ['@tandem/core', '@tandem/core/*'],
    budget: 0.5 * 1024, // 0.4 KB in December 2026
  })
  console.log(size.line)
  expect(size.problem).toBeUndefined()
})
