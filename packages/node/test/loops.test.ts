import { startProcess } from '@tandem/runtimes'
import { getFresh, runLoopsSuite } from '@tandem/runtimes/loops-suite'
import { afterEach, describe, expect, it } from 'vitest'

runLoopsSuite('node', new URL('./fixtures/loops.ts', import.meta.url).pathname, {
  describe,
  it,
  expect,
  afterEach,
})

describe('node:cluster with the default pool entry', () => {
  it('serves from each cluster worker, whose pool threads do not fork', async () => {
    const proc = await startProcess('node', new URL('./fixtures/cluster.ts', import.meta.url).pathname)
    const pids = new Set<number>()
    try {
      // startProcess returns at the first worker's start-up line; the second may still be
      // loading (seconds on a loaded CI machine), and until it listens the primary hands
      // every connection to the first. So ask until both answered, within a deadline.
      const deadline = Date.now() + 20_000
      while (pids.size < 2 && Date.now() < deadline) {
        const answer = await getFresh(`${proc.url}/slow?ms=1`)
        expect(answer.status).toBe(200)
        pids.add((JSON.parse(answer.body) as { pid: number }).pid)
      }
      expect(pids.size).toBe(2)
      // A forking pool thread would have started more processes, each failing to load.
      expect(proc.output()).not.toMatch(/Error/)
    } finally {
      for (const pid of pids) process.kill(pid, 'SIGKILL')
      await proc.stop('SIGKILL')
    }
  }, 30_000)
})
