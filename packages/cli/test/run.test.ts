import { createServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort, get, killAll, poll, runtimes, startTandem, type Tandem } from './processes.ts'

afterEach(killAll)

/** Fires 20 slow requests, SIGTERMs `tandem` once every one is being handled, and checks none is lost. */
async function drainsOnSigterm(tandem: Tandem, port: number) {
  const answers = Array.from({ length: 20 }, () => get(port, '/slow'))
  await poll(
    async () => tandem.output().split('slow request started').length - 1 === 20,
    15_000,
    () => `20 requests in flight; output:\n${tandem.output()}`,
  )
  tandem.child.kill('SIGTERM')
  expect((await Promise.all(answers)).map((answer) => answer.status)).toEqual(Array(20).fill(200))
  expect(await tandem.exited).toEqual({ code: 0, signal: null })
}

for (const runtime of runtimes) {
  describe(`tandem run on ${runtime}`, () => {
    it('serves the entry on --port and --host; SIGTERM with requests in flight loses none and exits 0', async () => {
      const port = await freePort()
      const run = startTandem(runtime, ['run', 'served.ts', '--port', String(port), '--host', '127.0.0.1'])
      await run.waitFor(new RegExp(`listening on http://127\\.0\\.0\\.1:${port} \\(docs: `))
      expect((await get(port, '/version')).body).toEqual({ version: 'v1' })
      // The pool's workers load the user's entry, not tandem's.
      expect((await get(port, '/blocking')).body.version).toBe('v1')
      await drainsOnSigterm(run, port)
    }, 60_000)

    it("uses the options of the entry's own serve() call, the command line winning", async () => {
      const port = await freePort()
      const run = startTandem(runtime, ['run', 'served-options.ts', '--port', String(port)])
      await run.waitFor(new RegExp(`listening on http://127\\.0\\.0\\.1:${port} `))
      await run.waitFor(/pool: 1 (worker thread|web worker) \(pool\.size\)/)
      expect((await get(port, '/blocking')).body.version).toBe('v1')
      run.child.kill('SIGTERM')
      expect((await run.exited).code).toBe(0)
    }, 60_000)

    it('--workers 2 answers from 2 event loops sharing the port, restarts a crashed one; SIGTERM drains them and exits 0', async () => {
      const port = await freePort()
      const run = startTandem(runtime, ['run', 'served.ts', '--port', String(port), '--workers', '2'])
      const pids = new Set<number>()
      await poll(
        async () => {
          pids.add((await get(port, '/pid')).body.pid)
          return pids.size === 2
        },
        20_000,
        () => `answers from 2 loops (pids: ${[...pids]}); output:\n${run.output()}`,
      )
      expect(pids.has(run.child.pid!)).toBe(false)
      expect((await get(port, '/blocking')).body.version).toBe('v1')
      // A loop that crashes is restarted, and the restart is logged.
      const [crashed] = pids
      process.kill(crashed!, 'SIGKILL')
      await run.waitFor(/restarted/)
      await poll(
        async () => {
          const { body } = await get(port, '/pid')
          if (body.pid !== crashed) pids.add(body.pid)
          return pids.size === 3
        },
        20_000,
        () => `an answer from the restarted loop (pids: ${[...pids]})`,
      )
      await drainsOnSigterm(run, port)
    }, 60_000)

    it('says in one line, without a stack, that the port is taken, and exits 1 (one loop or two)', async () => {
      const holder = createServer()
      const port = await freePort()
      await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve))
      try {
        for (const workers of ['1', '2']) {
          const run = startTandem(runtime, ['run', 'served.ts', '--port', String(port), '--workers', workers])
          expect((await run.exited).code).toBe(1)
          expect(run.output()).toContain(
            `tandem: port ${port} on 127.0.0.1 is in use. Stop what uses it, or pick another with --port.\n`,
          )
          expect(run.output()).not.toMatch(/^\s+at /m)
        }
      } finally {
        holder.close()
      }
    }, 30_000)
  })
}
