// Several event loops on one port (`serve(app, { workers })`), on a real runtime: the loops answer
// from distinct processes, a crashed loop is restarted, SIGTERM drains them all and exits 0, and a
// taken port or a loop that cannot start fails clearly. Shared by the Node and Bun adapters' tests.
import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { bunBinary, freePort, type RuntimeProcess, startProcess } from './index.ts'

interface TestApi {
  describe(name: string, fn: () => void): void
  it(name: string, fn: () => Promise<void>, timeout?: number): void
  afterEach(fn: () => Promise<void>): void
  expect: (value: unknown) => any
}

/** GET over a connection of its own (no keep-alive), so the kernel picks a loop for each. */
export function getFresh(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** The pids that answered `/pid` over fresh connections, until `count` distinct ones (bounded). */
async function distinctPids(url: string, count: number, tries = 200): Promise<Set<number>> {
  const pids = new Set<number>()
  for (let i = 0; i < tries && pids.size < count; i++) {
    pids.add((JSON.parse((await getFresh(`${url}/pid`)).body) as { pid: number }).pid)
  }
  return pids
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Runs `entry` to its exit, with `env`; resolves to its exit code and output. */
function runToExit(
  runtime: 'node' | 'bun',
  entry: string,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(runtime === 'node' ? process.execPath : bunBinary(), [entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    }),
  )
}

export function runLoopsSuite(
  runtime: 'node' | 'bun',
  entry: string,
  { describe, it, expect, afterEach }: TestApi,
): void {
  const started: RuntimeProcess[] = []
  const start = async (env: Record<string, string> = {}) => {
    const proc = await startProcess(runtime, entry, { WORKERS: '2', ...env })
    started.push(proc)
    // The supervisor resolves once every loop listens; the first answer can come sooner.
    await until('both loops', () => proc.output().includes('2 event loops'))
    return proc
  }
  // Whatever a case left running (a failed one), stopped by PID.
  afterEach(async () => {
    for (const proc of started.splice(0)) await proc.stop('SIGKILL').catch(() => {})
  })

  describe(`several event loops on one port, on a real ${runtime} process`, () => {
    it('answers from 2 distinct loops, neither of them the supervisor, each with its own pool', async () => {
      const proc = await start()
      const pids = await distinctPids(proc.url, 2)
      expect(pids.size).toBe(2)
      expect(pids.has(proc.pid)).toBe(false)
      // A blocking call runs on the pool of the loop that took the request.
      const slow = await getFresh(`${proc.url}/slow?ms=1`)
      expect(slow.status).toBe(200)
      expect(proc.output()).toMatch(/loop 1\/2: pool: 1 /)
      expect(await proc.stop()).toBe(0)
    }, 60_000)

    it('restarts a loop that crashes, says so, and keeps serving', async () => {
      const proc = await start()
      const [victim] = await distinctPids(proc.url, 2)
      process.kill(victim!, 'SIGKILL')
      await until('the restart', () => proc.output().includes('restarted, listening on'))
      expect(proc.output()).toContain(`(pid ${victim}) was killed by SIGKILL; starting a new one`)
      const pids = await distinctPids(proc.url, 2)
      expect(pids.size).toBe(2)
      expect(pids.has(victim!)).toBe(false)
      expect(await proc.stop()).toBe(0)
    }, 60_000)

    it('finishes every request in flight on SIGTERM, in every loop, then exits 0', async () => {
      const proc = await start()
      const answers = Promise.all(Array.from({ length: 20 }, () => getFresh(`${proc.url}/slow?ms=400`)))
      // Every connection accepted and its request read before the signal.
      await new Promise((resolve) => setTimeout(resolve, 250))
      const code = proc.stop('SIGTERM')
      const statuses = (await answers).map((answer) => answer.status)
      expect(statuses).toEqual(Array(20).fill(200))
      expect(await code).toBe(0)
    }, 60_000)

    it('exits promptly on SIGTERM when idle', async () => {
      const proc = await start()
      await new Promise((resolve) => setTimeout(resolve, 200))
      const began = performance.now()
      expect(await proc.stop('SIGTERM')).toBe(0)
      const took = performance.now() - began
      console.log(`${runtime}: 2 idle event loops stopped ${took.toFixed(0)} ms after SIGTERM`)
      // A bound against hanging, not a speed check (the figure is in the log above).
      expect(took).toBeLessThan(5000)
    }, 60_000)

    it('refuses a port another program holds, naming it', async () => {
      const holder = createServer()
      const port = await new Promise<number>((resolve) =>
        holder.listen(0, '127.0.0.1', () => resolve((holder.address() as { port: number }).port)),
      )
      try {
        const { code, output } = await runToExit(runtime, entry, { WORKERS: '2', PORT: String(port) })
        expect(code).not.toBe(0)
        expect(output).toContain(`could not listen on 127.0.0.1:${port}: the port is in use`)
      } finally {
        holder.close()
      }
    }, 30_000)

    it('stops the other loops and fails when one cannot start, with its reason', async () => {
      const port = await freePort()
      const { code, output } = await runToExit(runtime, entry, {
        WORKERS: '2',
        PORT: String(port),
        FAIL_START: '1',
      })
      expect(code).not.toBe(0)
      expect(output).toContain('an event loop did not start')
      expect(output).toContain('the database is down')
    }, 30_000)

    it('refuses workers that are not a whole number of loops', async () => {
      const { code, output } = await runToExit(runtime, entry, {
        WORKERS: '0',
        PORT: String(await freePort()),
      })
      expect(code).not.toBe(0)
      expect(output).toContain('workers must be a whole number of event loops, 1 or more (got 0)')
    }, 30_000)
  })
}
