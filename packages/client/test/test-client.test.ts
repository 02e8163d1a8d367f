import { expect, it } from 'vitest'
import { createClient, testClient } from '../src/index.ts'
import { app } from './shop.ts'
import { clientSuite } from './suite.ts'

clientSuite('in-process (testClient)', () => testClient(app))

it('takes app.fetch as its fetch, and default headers from a function', async () => {
  let calls = 0
  const client = createClient<typeof app>('http://shop.test/', {
    fetch: app.fetch,
    headers: () => {
      calls++
      return { 'x-api-key': 'secret' }
    },
  })
  const res = await client.post('/api/items/', { body: { name: 'Garden', price: 9 } })
  expect(res.status).toBe(201)
  expect(calls).toBe(1)
})
