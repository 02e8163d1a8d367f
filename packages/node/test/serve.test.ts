import { pbkdf2Sync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runToEnd, type ServerProcess, startServer } from './process.ts'
import { isAnswer, openRaw } from './raw-http.ts'

const json = async (res: Response) => ({ status: res.status, body: await res.json() })

describe('serve() on a real node process with a worker_threads pool', () => {
  let server: ServerProcess
  beforeAll(async () => {
    server = await startServer('server.ts', { POOL_SIZE: '2' })
  }, 30_000)
  afterAll(() => server?.stop())

  it('logs where it listens and the pool it runs, with each setting named', () => {
    expect(server.output()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(docs: .*\/docs\)/)
    expect(server.output()).toContain(
      'pool: 2 worker threads (pool.size), queue up to 1024 calls (pool.maxQueue), timeout none (pool.timeout), nice 10 (pool.nice), heap up to 1024 MB per worker (pool.resourceLimits)',
    )
  })

  it('runs a blocking utility from an async handler, and a blocking handler, off the loop', async () => {
    const hashed = await json(
      await fetch(`${server.url}/hash`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"input":"a"}',
      }),
    )
    expect(hashed.body.hash).toMatch(/^[0-9a-f]{64}$/)
    const slept = await json(await fetch(`${server.url}/sleep/5`))
    expect(slept.body.slept).toBe(5)
    expect(slept.body.thread).not.toBe(0)
  })

  it('keeps answering cheap requests while the pool is saturated', async () => {
    const slow = Array.from({ length: 4 }, () => fetch(`${server.url}/sleep/400`).then(() => Date.now()))
    await new Promise((r) => setTimeout(r, 50))
    const health = await fetch(`${server.url}/health`)
    const healthDone = Date.now()
    expect(health.status).toBe(200)
    const slowDone = await Promise.all(slow)
    expect(healthDone).toBeLessThan(Math.min(...slowDone))
  })

  it('runs a request’s blocking dependency and blocking handler on one worker, and cleans up there', async () => {
    const res = await fetch(`${server.url}/conn`)
    expect(res.status).toBe(203)
    const body = await res.json()
    expect(res.headers.get('x-worker')).toBe(String(body.handlerThread))
    expect(body).toMatchObject({ open: true, result: `select 1 on thread ${body.handlerThread}` })
    expect(body.stateThread).toBe(body.handlerThread)
    await expect.poll(() => server.output()).toContain(`BACKGROUND on thread ${body.handlerThread}`)
    await expect.poll(() => server.output()).toContain(`CLEANUP connection on thread ${body.handlerThread}`)
    const order = server.output()
    expect(order.lastIndexOf('BACKGROUND')).toBeLessThan(order.lastIndexOf('CLEANUP'))
  })

  it('runs a blocking background task on the worker its request holds, before that request’s cleanup', async () => {
    const solo = await startServer('server.ts', { POOL_SIZE: '1' })
    try {
      // One worker, held by the request's connection until its cleanup: the task must go to it.
      for (const label of ['a', 'b']) {
        const res = await fetch(`${solo.url}/conn-bg/${label}`)
        expect(await res.json()).toEqual({ queued: true })
        await solo.waitFor(`AUDIT ${label} on thread`)
      }
      expect((await fetch(`${solo.url}/sleep/1`)).status).toBe(200)
      const lines = solo.output().split('\n')
      const audit = lines.findIndex((line) => line.startsWith('AUDIT a on thread'))
      const cleanup = lines.findIndex(
        (line, i) => i > audit && line.startsWith('CLEANUP connection on thread'),
      )
      expect(cleanup).toBeGreaterThan(audit)
      expect(lines[audit]!.split(' on ')[1]).toBe(lines[cleanup]!.split(' on ')[1])
    } finally {
      await solo.stop()
    }
  }, 30_000)

  it('lets a blocking yield dependency recognise a handler’s error class with errorIs() and translate it', async () => {
    const res = await fetch(`${server.url}/missing/9`)
    expect(res.status).toBe(404)
    expect((await res.json()).detail).toMatch(/^translated on thread [1-9]\d*: order 9$/)
  })

  it('gives every loop-side consumer of a cached blocking dependency the same value, as inline', async () => {
    const res = await fetch(`${server.url}/shared-value`)
    expect(await res.json()).toEqual({ count: 1, same: true, computedOn: 'worker' })
  })

  it('tells clearly when a value kept on a worker is consumed on the event loop', async () => {
    const res = await fetch(`${server.url}/conn-loop`)
    expect(res.status).toBe(500)
    await expect
      .poll(() => server.output())
      .toMatch(/blocking dependency "connection" cannot cross from its worker/)
  })

  it('reads bodies straight from the socket, within the limit', async () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${server.url}/hash`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      })
    expect((await post('{"input":"abc"}')).status).toBe(200)
    const big = await post(JSON.stringify({ input: 'x'.repeat(2 * 1024 * 1024) }))
    expect(big.status).toBe(413)
    expect((await big.json()).detail).toMatch(/limit is 1048576 bytes/)
    // Bodies in many chunks (600 KB with multi-byte characters; and sent chunked, without a length)
    // arrive whole: the same hash as the same input sent small.
    const input = 'é😀x'.repeat(100_000)
    const whole = await json(await post(JSON.stringify({ input })))
    expect(whole).toEqual({
      status: 200,
      body: { hash: pbkdf2Sync(input, 'salt', 29_000, 32, 'sha256').toString('hex') },
    })
    const encoded = new TextEncoder().encode(JSON.stringify({ input }))
    const chunked = await fetch(`${server.url}/hash`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < encoded.length; i += 1000) controller.enqueue(encoded.slice(i, i + 1000))
          controller.close()
        },
      }),
      duplex: 'half',
    } as RequestInit)
    expect(await json(chunked)).toEqual(whole)
    const broken = await post('{"input": ')
    expect(broken.status).toBe(422)
    expect((await broken.json()).detail[0]).toMatchObject({ type: 'json_invalid', loc: ['body', 10] })
  })

  it('answers an HTTPException thrown in a worker as on the loop', async () => {
    expect(await json(await fetch(`${server.url}/http-error`))).toEqual({
      status: 418,
      body: { detail: 'teapot in a worker' },
    })
  })

  it('answers 500 for a crashed worker only, loses no other request, and replaces the worker', async () => {
    const others = Array.from({ length: 6 }, (_, i) =>
      fetch(`${server.url}/sleep/${20 + i}`).then((r) => r.status),
    )
    const crashed = await fetch(`${server.url}/crash`)
    expect(crashed.status).toBe(500)
    expect(await crashed.text()).toBe('Internal Server Error')
    expect(await Promise.all(others)).toEqual([200, 200, 200, 200, 200, 200])
    expect((await fetch(`${server.url}/sleep/1`)).status).toBe(200)
    expect(server.output()).toMatch(/Pool worker \d died \(exit code 3\); replacing it/)
  })

  it('refuses blocking() after start-up with a clear message', async () => {
    expect((await fetch(`${server.url}/late`)).status).toBe(500)
    await expect
      .poll(() => server.output())
      .toMatch(/blocking\(.*\) was called after the worker pool started/)
  })

  it('runs a utility called while the request holds its worker on that worker (no deadlock)', async () => {
    const res = await fetch(`${server.url}/held-utility`, { signal: AbortSignal.timeout(5000) })
    expect(res.status).toBe(200)
    expect((await res.json()).hash).toMatch(/^[0-9a-f]{64}$/)
  })

  it('finds the exception handler of an error class thrown in a worker', async () => {
    expect(await json(await fetch(`${server.url}/out-of-stock`))).toEqual({
      status: 409,
      body: { detail: 'Out of stock: fries' },
    })
  })

  it('copies results, so a blocking function may return a buffer it keeps', async () => {
    for (let i = 0; i < 3; i++) {
      expect(await json(await fetch(`${server.url}/kept-buffer`))).toEqual({
        status: 200,
        body: { length: 3, bytes: { 0: 1, 1: 2, 2: 3 } },
      })
    }
  })

  it('warns, naming the route, when a handler holds the event loop', async () => {
    expect((await fetch(`${server.url}/block-loop`)).status).toBe(200)
    await expect
      .poll(() => server.output(), { timeout: 3000 })
      .toMatch(/The event loop was blocked for \d+ ms while GET \/block-loop was in progress.*blocking\(fn\)/)
  })

  it('tells a loop that was not running (stopped, starved or waiting) from a busy one', async () => {
    // SIGSTOP: the process gets no CPU for 400 ms, as on an overloaded machine.
    process.kill(server.child.pid!, 'SIGSTOP')
    await new Promise((resolve) => setTimeout(resolve, 400))
    process.kill(server.child.pid!, 'SIGCONT')
    await expect
      .poll(() => server.output(), { timeout: 3000 })
      .toMatch(/blocked for \d+ ms[^\n]*The loop used \d+ ms of CPU meanwhile: it was waiting/)
  })
})

describe('pool limits over HTTP', () => {
  it('answers 503 with Retry-After when the queue is full', async () => {
    const server = await startServer('server.ts', { POOL_SIZE: '1', POOL_MAX_QUEUE: '1' })
    try {
      const first = fetch(`${server.url}/sleep/1000`)
      await server.waitFor('SLEEPING 1000')
      const second = fetch(`${server.url}/sleep/10`)
      await new Promise((r) => setTimeout(r, 50))
      const third = await fetch(`${server.url}/sleep/10`)
      expect(third.status).toBe(503)
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      expect((await third.json()).detail).toMatch(/queue is full.*pool\.maxQueue/)
      expect((await first).status).toBe(200)
      expect((await second).status).toBe(200)
    } finally {
      await server.stop()
    }
  }, 30_000)

  it('drops the call of a client that left while it was queued, quietly', async () => {
    const server = await startServer('server.ts', { POOL_SIZE: '1' })
    try {
      const first = fetch(`${server.url}/sleep/1000`)
      await server.waitFor('SLEEPING 1000')
      const client = new AbortController()
      const queued = fetch(`${server.url}/sleep/300`, { signal: client.signal }).catch((e) => e.name)
      await new Promise((r) => setTimeout(r, 100))
      client.abort()
      expect(await queued).toBe('AbortError')
      expect((await first).status).toBe(200)
      expect((await fetch(`${server.url}/sleep/1`)).status).toBe(200)
      // The queued call never ran, and a client leaving is not a server error.
      expect(server.output()).not.toContain('SLEEPING 300')
      expect(server.output()).not.toMatch(/Unhandled error|answered 500/)
    } finally {
      await server.stop()
    }
  }, 30_000)

  it('answers 504 past the timeout and replaces the worker', async () => {
    // nice 0: the 100 ms limit must not depend on CPU left over by parallel test tasks.
    const server = await startServer('server.ts', { POOL_SIZE: '1', POOL_TIMEOUT: '100', POOL_NICE: '0' })
    try {
      const slow = await fetch(`${server.url}/sleep/1000`)
      expect(slow.status).toBe(504)
      expect((await slow.json()).detail).toMatch(/longer than the pool's timeout of 100 ms/)
      expect((await fetch(`${server.url}/sleep/1`)).status).toBe(200)
    } finally {
      await server.stop()
    }
  }, 30_000)

  it('drains in-flight requests on SIGTERM, ends endless streams, runs every teardown, then exits 0', async () => {
    const server = await startServer('server.ts', { POOL_SIZE: '1' })
    await fetch(`${server.url}/sleep/1`)
    const inflight = fetch(`${server.url}/sleep/300`)
    const endless = await fetch(`${server.url}/endless`)
    const streamed = endless.text()
    // SIGTERM once the handler runs: a connection still in the listen backlog is the kernel's, not ours.
    await server.waitFor('SLEEPING 300')
    const code = server.stop('SIGTERM')
    const res = await inflight
    expect(res.status).toBe(200)
    expect(await streamed).toContain('data: {"tick":')
    expect(await code).toBe(0)
    expect(server.output()).toContain('SIGTERM: finishing in-flight requests, then stopping.')
    // The main thread's lifespan and the worker's (which started for its blocking handler), every
    // line each logged in its teardown included (the worker's cross a port; both, a pipe).
    expect(server.output().match(/TEARDOWN on thread \d+/g)).toHaveLength(2)
    expect(server.output().match(/teardown \d+\/200 on thread \d+/g)).toHaveLength(400)
  }, 30_000)

  it('stops waiting for a client that never finishes its body at shutdownTimeout (503, retry), and still tears down', async () => {
    const server = await startServer('server.ts', { POOL_SIZE: '1', SHUTDOWN_TIMEOUT: '300' })
    await fetch(`${server.url}/sleep/1`)
    const { port } = new URL(server.url)
    const connection = await openRaw(Number(port))
    // 100 bytes announced, 6 sent, then nothing: the request is in flight until the client sends more.
    connection.write(
      'POST /hash HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":',
    )
    await new Promise((r) => setTimeout(r, 100))
    const code = await server.stop('SIGTERM')
    expect(code).toBe(0)
    // Read already, so told to retry (not cut), then a clean close.
    const answer = await connection.next()
    expect(isAnswer(answer) && [answer.status, answer.headers['retry-after']]).toEqual([503, '1'])
    expect(await connection.ended).toEqual({ how: 'fin' })
    expect(server.output()).toMatch(/still running 300 ms after shutdown began \(shutdownTimeout\)/)
    expect(server.output().match(/TEARDOWN on thread \d+/g)).toHaveLength(2)
  }, 30_000)

  it('stops a blocking call that outlives shutdownTimeout: its client is told to retry, the pool is terminated and the process exits', async () => {
    const server = await startServer('server.ts', { POOL_SIZE: '1', SHUTDOWN_TIMEOUT: '300' })
    const stuck = fetch(`${server.url}/sleep/10000`).then(
      (res) => [res.status, res.headers.get('retry-after')],
      () => 'cut',
    )
    await server.waitFor('SLEEPING 10000')
    const started = Date.now()
    expect(await server.stop('SIGTERM')).toBe(0)
    // Well before the call's own 10 s: 0.3 s of waiting, a second for the requests, one for the pool.
    expect(Date.now() - started).toBeLessThan(8000)
    // Told to retry at the deadline, rather than cut.
    expect(await stuck).toEqual([503, '1'])
    expect(server.output()).toMatch(/blocking calls were still running; terminating the pool workers/)
    expect(server.output()).toMatch(/TEARDOWN on thread 0/)
  }, 30_000)

  it('refuses to start when a worker registered different blocking functions', async () => {
    const { code, output } = await runToEnd('mismatch.ts')
    expect(code).not.toBe(0)
    expect(output).toMatch(
      /blocking function #1 is "1:onlyOnMain" on the main thread but missing in the worker/,
    )
  }, 30_000)
})
