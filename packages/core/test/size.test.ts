/// <reference types="node" />
// The size budget of the app-facing entry: what an app's bundle (a Worker, above all) gets from
// @tandem/core, without hono and zod (its peers, which the app has anyway). The docs pages' files
// are not in it: they are their own entry (@tandem/core/docs-assets), imported by no other.
import { join } from 'node:path'
import { measureEntry } from '@tandem/size-budget'
import { expect, it } from 'vitest'

const dist = join(import.meta.dirname, '..', 'dist')

it('@tandem/core (dist/index.js and what it imports, minified, without hono and zod) stays within its budget', async () => {
  const size = await measureEntry({
    name: '@tandem/core',
    entry: join(dist, 'index.js'),
    external: ['hono', 'hono/*', 'zod', 'zod/*'],
    budget: 38 * 1024, // 34.7 KB in December 2026 (the docs assets moved out: 854 KB before)
  })
  console.log(size.line)
  expect(size.problem).toBeUndefined()
})
