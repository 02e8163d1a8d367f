// The burger shop through its typed client (@tandem/client): the same calls in-process (testClient)
// and against real Node, Bun and workerd servers. The types come from `typeof app`: a path, an input or
// a field read that the shop does not declare is a compile error here (pnpm typecheck).
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Client, createClient, testClient } from '@tandem/client'
import { type RuntimeProcess, startProcess, startWorkerd } from '@tandem/runtimes'
import { afterAll, describe, expect, it } from 'vitest'
import type { app } from '../src/app.ts'

type Shop = Client<typeof app>
const src = join(import.meta.dirname, '..', 'src')
const key = { 'x-api-key': 'burger-secret' }

const running: RuntimeProcess[] = []
afterAll(async () => {
  await Promise.all(running.map((server) => server.stop()))
})

/** How each case reaches the shop: in-process, or a server started for the suite. */
const shops: Record<string, () => Promise<Shop>> = {
  'in-process': async () => {
    process.env.BURGERS_DB = join(mkdtempSync(join(tmpdir(), 'burgers-client-')), 'orders.sqlite')
    const { app } = await import('../src/app.ts')
    return testClient(app, { headers: key })
  },
  node: () =>
    serverClient(startProcess('node', join(src, 'node.ts'), { BURGERS_DB: dbFile('node'), POOL_SIZE: '1' })),
  bun: () =>
    serverClient(startProcess('bun', join(src, 'bun.ts'), { BURGERS_DB: dbFile('bun'), POOL_SIZE: '1' })),
  workerd: () =>
    serverClient(
      startWorkerd(join(src, 'workerd.ts'), {
        durableObjects: { SHOP: 'Shop' },
        storage: mkdtempSync(join(tmpdir(), 'burgers-client-workerd-')),
      }),
    ),
}

function dbFile(runtime: string): string {
  return join(mkdtempSync(join(tmpdir(), `burgers-client-${runtime}-`)), 'orders.sqlite')
}

async function serverClient(starting: Promise<RuntimeProcess>): Promise<Shop> {
  const server = await starting
  running.push(server)
  return createClient<typeof app>(server.url, { headers: key })
}

for (const [where, connect] of Object.entries(shops)) {
  describe(`the burger shop through its client, ${where}`, () => {
    let shop: Shop

    it('reads the menu, typed by its response model', async () => {
      shop = await connect()
      const menu = await shop.get('/menu')
      expect(menu.status).toBe(200)
      if (menu.ok) expect(menu.data.find((item) => item.id === 'cheese')?.price).toBe(9.5)
    })

    it('orders, reads the order back and cooks it', async () => {
      const created = await shop.post('/orders', {
        body: {
          customer: 'ann',
          items: [
            { burger: 'cheese', qty: 2 },
            { burger: 'veggie', qty: 1 },
          ],
        },
      })
      if (created.status !== 201)
        throw new Error(`order refused: ${created.status} ${JSON.stringify(created.error)}`)
      expect(created.data).toMatchObject({ customer: 'ann', total: 28, status: 'received', seal: null })
      const read = await shop.get('/orders/:id', { params: { id: created.data.id } })
      expect(read.ok && read.data).toEqual(created.data)
      const cooked = await shop.post('/orders/:id/cook', {
        params: { id: created.data.id },
        query: { rounds: 1000 },
      })
      expect(cooked.ok && cooked.data.status).toBe('cooked')
    })

    it('narrows its errors by status: 404, 422, and a refused key', async () => {
      const missing = await shop.get('/orders/:id', { params: { id: 9999 } })
      expect(missing.status).toBe(404)
      if (missing.status === 404) expect(missing.error.detail).toBe('Order 9999 not found')
      const bad = await shop.post('/orders', {
        body: { customer: '', items: [{ burger: 'classic', qty: 0 }] },
      })
      expect(bad.status).toBe(422)
      if (bad.status === 422) {
        expect(bad.error.detail.map((issue) => issue.type)).toEqual([
          'string_too_short',
          'greater_than_equal',
        ])
      }
      const refused = await shop.get('/orders', { headers: { 'x-api-key': 'nope' } })
      expect(refused).toMatchObject({ ok: false, status: 403, error: { detail: 'Invalid API key' } })
    })
  })
}
