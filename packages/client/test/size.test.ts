// The size budget of @tandem/client's entry: what a browser bundle of the client carries.
import { join } from 'node:path'
import { measureEntry } from '@tandem/size-budget'
import { expect, it } from 'vitest'

it('@tandem/client (dist/index.js, minified, without @tandem/core and zod) stays within its budget', async () => {
  const size = await measureEntry({
    name: '@tandem/client',
    entry: join(import.meta.dirname, '..', 'dist', 'index.js'),
    external: ['@tandem/core', '@tandem/core/*', 'zod'],
    budget: 2.5 * 1024, // 1.9 KB in December 2026
  })
  console.log(size.line)
  expect(size.problem).toBeUndefined()
})
