import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWorkerd, type WorkerdProcess } from './workerd-process.ts'

describe('@tandem/workerd under the real workerd binary', () => {
  let server: WorkerdProcess
  beforeAll(async () => {
    server = await startWorkerd(join(import.meta.dirname, 'fixtures', 'smoke.ts'))
  }, 30_000)
  afterAll(() => server?.stop())

  it('loads the built package and answers a request', async () => {
    const res = await fetch(server.url)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ packageName: '@tandem/workerd', runtime: 'Cloudflare-Workers' })
  })
})
