// A pool thread's port filter running calls the pool never sent (`PortFilterHost.run`, what
// @tandem/nats' worker threads do with calls they take off NATS), on real worker_threads: it runs
// them and keeps their answers from the pool, never while a call of the pool's is pending there,
// and a call of the pool's sent while such a call holds the thread has its time limit counted from
// its own start: the thread is never stopped under the filter's call.
import { PoolTimeoutError } from '@tandem/core'
import { blockingInfo } from '@tandem/core/adapter'
import { createNodePool } from '@tandem/node'
import { afterEach, describe, expect, it } from 'vitest'
import { add, idle, spin } from './fixtures/port-filter-entry.ts'

const entry = new URL('./fixtures/port-filter-entry.ts', import.meta.url)
const filter = new URL('./fixtures/port-filter.ts', import.meta.url).href

const pools: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()))
})

async function start() {
  const cells = new Int32Array(new SharedArrayBuffer(6 * 4))
  const pool = createNodePool(entry, {
    size: 1,
    nice: 0,
    portFilter: { href: filter, options: { cells: cells.buffer } },
  })
  pools.push(pool)
  await pool.start()
  return { pool, cells }
}

/** Asks the filter to run blocking function `fn` with `a`, `b`; resolves with its state once settled. */
async function runOther(cells: Int32Array, fn: number, a: number, b = 0): Promise<number> {
  Atomics.store(cells, 4, 0)
  Atomics.store(cells, 1, fn)
  Atomics.store(cells, 2, a)
  Atomics.store(cells, 3, b)
  Atomics.store(cells, 0, 1)
  const deadline = Date.now() + 10_000
  for (;;) {
    const state = Atomics.load(cells, 4)
    if (state >= 2) return state
    if (Date.now() > deadline) throw new Error(`the filter's call never settled (state ${state})`)
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

describe('PortFilterHost.run on Node worker_threads', () => {
  it('runs a call the pool never sent; its answer goes to the filter only', async () => {
    const { pool, cells } = await start()
    expect(await runOther(cells, blockingInfo(add).id, 2, 3)).toBe(3)
    expect(Atomics.load(cells, 5)).toBe(5)
    expect(pool.stats()).toMatchObject({ busy: 0, completed: 0, failed: 0 })
    expect(await pool.run(blockingInfo(add), [1, 1])).toBe(2)
  })

  it('refuses while a call of the pool’s is pending in the thread, and runs once it is done', async () => {
    const { pool, cells } = await start()
    const pending = pool.run(blockingInfo(idle), [300])
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(await runOther(cells, blockingInfo(add).id, 1, 2)).toBe(2)
    expect(await pending).toBe(300)
    expect(await runOther(cells, blockingInfo(add).id, 1, 2)).toBe(3)
  })

  it('a pool call sent while the filter’s call holds the thread: its time limit counts from its own start', async () => {
    const { pool, cells } = await start()
    // The filter's call holds the thread for 400 ms of synchronous work.
    const other = runOther(cells, blockingInfo(spin).id, 400)
    await new Promise((resolve) => setTimeout(resolve, 50))
    // Sent meanwhile with a 200 ms limit: it waits for the thread, then runs well within its limit.
    const sentAt = Date.now()
    const limited = pool.run(blockingInfo(add), [2, 2], { timeout: 200 })
    expect(await limited).toBe(4)
    expect(Date.now() - sentAt).toBeGreaterThan(200)
    expect(await other).toBe(3)
    expect(Atomics.load(cells, 5)).toBe(400)
    // And a pool call that does run past its limit is stopped, the thread replaced.
    await expect(pool.run(blockingInfo(spin), [2_000], { timeout: 100 })).rejects.toBeInstanceOf(
      PoolTimeoutError,
    )
    expect(await runOther(cells, blockingInfo(add).id, 4, 4)).toBe(3)
  })
})
