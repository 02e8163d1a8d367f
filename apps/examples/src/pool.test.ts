// docs/examples/blocking.ts served by a real `node` process with a worker_threads pool, as
// docs/execution-model.md describes it. The server is src/pool/server.ts.
import { type ChildProcess, spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

interface Server {
  url: string
  output: () => string
  stop: () => Promise<number | null>
}

/** Starts `node server.ts` (stopped by its own PID) and resolves once it prints READY. */
async function start(env: Record<string, string>): Promise<Server> {
  const child: ChildProcess = spawn(process.execPath, ['--import', './resolve-from-here.ts', 'server.ts'], {
    cwd: new URL('./pool/', import.meta.url),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in 15 s:\n${output}`)), 15_000)
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk
      const ready = /READY (\S+)/.exec(output)
      if (ready) {
        clearTimeout(timer)
        resolve(ready[1]!)
      }
    })
    void exited.then((code) =>
      reject(new Error(`the server exited (${code}) before it was ready:\n${output}`)),
    )
  })
  return {
    url,
    output: () => output,
    stop: () => {
      if (child.exitCode === null) process.kill(child.pid!, 'SIGTERM')
      return exited
    },
  }
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** Longer than any test: a report of this size only ends by abort or timeout. */
const ENDLESS = 1e12

describe('docs/examples/blocking.ts on a worker pool of one thread', () => {
  let server: Server
  beforeAll(async () => {
    server = await start({ POOL_SIZE: '1' })
  })
  afterAll(async () => {
    // SIGTERM: drains, then exits 0.
    expect(await server.stop()).toBe(0)
  })

  it('logs the pool it runs, naming each setting', () => {
    expect(server.output()).toContain(
      'pool: 1 worker thread (pool.size), queue up to 1024 calls (pool.maxQueue), timeout none (pool.timeout), nice 10 (pool.nice)',
    )
  })

  it('runs async and plain handlers on the loop, blocking ones on a worker', async () => {
    expect(await (await fetch(`${server.url}/status`)).json()).toEqual({ ok: true })
    const res = await fetch(`${server.url}/orders/1`)
    const body = await res.json()
    expect(body).toMatchObject({ id: 1, item: 'Classic' })
    expect(body.thread).not.toBe(0) // 0 is the main thread
    // ctx.response comes back from the worker; ctx.state is the worker's own lifespan state
    expect(res.headers.get('x-thread')).toBe(String(body.thread))
    expect(body.lifespanThread).toBe(body.thread)
  })

  it('answers an HTTPException thrown in a worker as on the loop', async () => {
    const res = await fetch(`${server.url}/orders/3`)
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ detail: 'Order not found' })
  })

  it('sends back a Response returned by a blocking handler', async () => {
    const res = await fetch(`${server.url}/menu.csv`)
    expect(res.headers.get('content-type')).toBe('text/csv')
    expect(await res.text()).toBe('item,price\nClassic,8.50\nGarden,9.00\n')
  })

  it('runs a blocking utility from async code; a Buffer arrives as a Uint8Array', async () => {
    const res = await fetch(`${server.url}/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"password":"burgers!"}',
    })
    expect((await res.json()).hash).toMatch(/^[0-9a-f]{64}$/)
    expect(await (await fetch(`${server.url}/probe/buffer`)).json()).toEqual({
      type: 'Uint8Array',
      text: 'tandem',
    })
  })

  it('says clearly when a value kept on a worker is used on the event loop', async () => {
    const res = await fetch(`${server.url}/probe/on-the-loop`)
    expect(res.status).toBe(500)
    expect(await res.text()).toBe('Internal Server Error')
    await expect
      .poll(() => server.output())
      .toMatch(/blocking dependency "connection" cannot cross from its worker to the event loop/)
  })

  it('sets signal.aborted inside a running synchronous loop when the client goes away', async () => {
    const client = new AbortController()
    const started = Date.now()
    const report = fetch(`${server.url}/reports/${ENDLESS}`, { signal: client.signal }).catch(() => 'aborted')
    await wait(200)
    client.abort()
    expect(await report).toBe('aborted')
    // The only worker is free again: the report stopped at its next check of signal.aborted.
    expect((await fetch(`${server.url}/orders/2`)).status).toBe(200)
    expect(Date.now() - started).toBeLessThan(5_000)
  })
})

describe('pool limits: queue full and timeout', () => {
  let server: Server
  beforeAll(async () => {
    server = await start({ POOL_SIZE: '1', POOL_MAX_QUEUE: '1', POOL_TIMEOUT: '2000' })
  })
  afterAll(() => server?.stop())

  it('answers 503 with Retry-After when the queue is full, 504 past the timeout, and replaces the worker', async () => {
    const running = fetch(`${server.url}/reports/${ENDLESS}`)
    await wait(400)
    const queued = fetch(`${server.url}/orders/1`)
    await wait(300)
    const refused = await fetch(`${server.url}/orders/2`)
    expect(refused.status).toBe(503)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect((await refused.json()).detail).toMatch(/queue is full \(1 call waiting\).*pool\.maxQueue/)
    const timedOut = await running
    expect(timedOut.status).toBe(504)
    expect((await timedOut.json()).detail).toMatch(/longer than the pool's timeout of 2000 ms/)
    expect((await queued).status).toBe(200) // ran on the replacement worker
    await expect.poll(() => server.output()).toMatch(/Pool worker 0 was stopped .*replacing it/)
  })
})
