// The size budget of @tandem/client's entry: what a browser bundle of the client carries.
import { join } from 'node:path'
import { measureEntry } from '@tandem/size-budget'
import { expect, it } from 'vitest'

it('@tandem/client (dist/index.js, minified, without @tandem/core and zod) stays within its budget', async () => {
  const size = await measureEntry({
    name: '@tandem/client',
    entry: join(import.meta.dirname, '..', 'dist', 'index.js'),
    external: ['@tandem/core', '@tandem/core/*', 'zod'],
    // 1.9 KB in December 2026; 2.5 KB with ws() (the typed socket over WebSocket: a message queue,
    // JSON both ways, the async iterator), so 3 KB leaves room for the next small feature.
    budget: 3 * 1024,
  })
  console.log(size.line)
  expect(size.problem).toBeUndefined()
})
