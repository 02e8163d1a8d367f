import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { join } from 'node:path'

type Proc = { url: string; output: () => string; stop: (signal?: number) => Promise<number> }

async function start(env: Record<string, string> = {}): Promise<Proc> {
  const child = Bun.spawn([process.execPath, join(import.meta.dir, 'fixtures', 'server.ts')], {
    env: { ...process.env, ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  let output = ''
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder()
    for await (const chunk of stream) output += decoder.decode(chunk)
  }
  void pump(child.stdout)
  void pump(child.stderr)
  const deadline = Date.now() + 20_000
  while (!/READY (\S+)/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`the bun server did not start:\n${output}`)
    await Bun.sleep(20)
  }
  const url = /READY (\S+)/.exec(output)![1]!
  return {
    url,
    output: () => output,
    stop: async (signal = 15) => {
      if (child.exitCode === null) process.kill(child.pid, signal)
      return child.exited
    },
  }
}

async function eventually(check: () => boolean, timeout = 3000): Promise<void> {
  const deadline = Date.now() + timeout
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await Bun.sleep(20)
  }
}

describe('serve() on a real bun process with a Web Worker pool', () => {
  let server: Proc
  beforeAll(async () => {
    server = await start()
  })
  afterAll(() => server?.stop())

  it('logs where it listens and the pool it runs', () => {
    expect(server.output()).toContain(
      'pool: 2 web workers (pool.size), queue up to 1024 calls (pool.maxQueue), timeout none (pool.timeout), nice 10 (pool.nice)',
    )
  })

  it('runs blocking handlers and utilities on workers, not the main thread', async () => {
    const health = await (await fetch(`${server.url}/health`)).json()
    const slept = await (await fetch(`${server.url}/sleep/5`)).json()
    expect(slept.slept).toBe(5)
    expect(slept.worker).not.toBe(health.main)
    const hashed = await fetch(`${server.url}/hash`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"input":"a"}',
    })
    expect((await hashed.json()).hash).toMatch(/^[0-9a-f]{64}$/)
  })

  it('keeps a request on one worker and cleans up its blocking yield dependency there', async () => {
    const body = await (await fetch(`${server.url}/conn`)).json()
    expect(body).toMatchObject({ open: true, same: true })
    await eventually(() => server.output().includes(`CLEANUP connection on ${body.worker}`))
  })

  it('answers an HTTPException from a worker as on the loop', async () => {
    const res = await fetch(`${server.url}/http-error`)
    expect(res.status).toBe(418)
    expect(await res.json()).toEqual({ detail: 'teapot in a worker' })
  })

  it('answers 500 for a crashed worker only and replaces it', async () => {
    const others = Array.from({ length: 4 }, (_, i) =>
      fetch(`${server.url}/sleep/${20 + i}`).then((r) => r.status),
    )
    expect((await fetch(`${server.url}/crash`)).status).toBe(500)
    expect(await Promise.all(others)).toEqual([200, 200, 200, 200])
    expect((await fetch(`${server.url}/sleep/1`)).status).toBe(200)
  })

  it('answers 504 past the pool timeout', async () => {
    // nice 0: the 100 ms limit must not depend on CPU left over by parallel test tasks.
    const limited = await start({ POOL_SIZE: '1', POOL_TIMEOUT: '100', POOL_NICE: '0' })
    try {
      expect((await fetch(`${limited.url}/sleep/1000`)).status).toBe(504)
      expect((await fetch(`${limited.url}/sleep/1`)).status).toBe(200)
    } finally {
      await limited.stop()
    }
  })

  it('drains in-flight requests on SIGTERM, then exits 0', async () => {
    const draining = await start({ POOL_SIZE: '1' })
    const inflight = fetch(`${draining.url}/sleep/300`)
    // SIGTERM once the handler runs: a connection still in the listen backlog is the kernel's, not ours.
    await eventually(() => draining.output().includes('SLEEPING 300'))
    const code = draining.stop(15)
    expect((await inflight).status).toBe(200)
    expect(await code).toBe(0)
  })
})
