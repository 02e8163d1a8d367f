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
      for (let i = 0; i < 100 && pids.size < 2; i++) {
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
