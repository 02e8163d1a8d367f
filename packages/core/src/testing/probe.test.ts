import { afterEach, describe, expect, it } from 'vitest'
import { addCell, awaitCell, loadCell, type SuiteProbe, storeCell, suiteProbe, waitCell } from './probe.ts'

// The scheduler suite's cells, of both kinds. The suite itself runs with each kind in
// packages/node and packages/bun (test/scheduler.test.ts).

const probes: SuiteProbe[] = []
afterEach(() => {
  for (const probe of probes.splice(0)) probe.dispose()
})

for (const kind of ['shared-memory', 'files'] as const) {
  describe(`probe cells: ${kind}`, () => {
    const make = (count: number) => {
      const probe = suiteProbe(kind)
      probes.push(probe)
      return probe.cells(count)
    }

    it('start at 0, add (returning the value before), store and load', () => {
      const cells = make(3)
      expect([loadCell(cells, 0), loadCell(cells, 1), loadCell(cells, 2)]).toEqual([0, 0, 0])
      expect([addCell(cells, 0), addCell(cells, 0), addCell(cells, 0, 5)]).toEqual([0, 1, 2])
      storeCell(cells, 2, 42)
      expect([loadCell(cells, 0), loadCell(cells, 1), loadCell(cells, 2)]).toEqual([7, 0, 42])
    })

    it('are plain data that survive structured cloning', () => {
      const cells = make(1)
      const copy = structuredClone(cells)
      addCell(copy, 0)
      expect(loadCell(cells, 0)).toBe(1)
    })

    it('wait as Atomics.wait does: not-equal, timed-out', () => {
      const cells = make(1)
      storeCell(cells, 0, 3)
      expect(waitCell(cells, 0, 0, 10)).toBe('not-equal')
      const started = Date.now()
      expect(waitCell(cells, 0, 3, 30)).toBe('timed-out')
      expect(Date.now() - started).toBeGreaterThanOrEqual(25)
    })

    it('are awaited from the test side', async () => {
      const cells = make(1)
      setTimeout(() => storeCell(cells, 0, 1), 20)
      await awaitCell(cells, 0, 1, 2000)
      await expect(awaitCell(cells, 0, 2, 30)).rejects.toThrow(/did not become 2/)
    })
  })
}

describe('probe cells: files, across processes', () => {
  it('keep what another process wrote just before process.exit()', () => {
    const probe = suiteProbe('files')
    probes.push(probe)
    const cells = probe.cells(2)
    const proc = process as unknown as {
      execPath: string
      getBuiltinModule(id: 'node:child_process'): {
        spawnSync(cmd: string, args: string[], o: { encoding: 'utf8' }): { status: number; stderr: string }
      }
    }
    const script = `import { addCell, storeCell } from ${JSON.stringify(new URL('./probe.ts', import.meta.url).href)}
const cells = JSON.parse(process.argv[1])
addCell(cells, 0); addCell(cells, 0); storeCell(cells, 1, 9); process.exit(3)`
    const child = proc
      .getBuiltinModule('node:child_process')
      .spawnSync(proc.execPath, ['--input-type=module', '-e', script, JSON.stringify(cells)], {
        encoding: 'utf8',
      })
    expect({ status: child.status, stderr: child.stderr }).toEqual({ status: 3, stderr: '' })
    expect([loadCell(cells, 0), loadCell(cells, 1)]).toEqual([2, 9])
    // A process of its own: on a loaded machine it takes longer than vitest's default 5 s.
  }, 30_000)

  it('refuses an unknown kind', () => {
    expect(() => suiteProbe('redis' as never)).toThrow(/'shared-memory' or 'files'/)
  })
})
