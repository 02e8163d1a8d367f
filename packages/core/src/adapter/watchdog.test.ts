import { describe, expect, it, vi } from 'vitest'
import { App } from '../index.ts'
import { startWatchdog } from './watchdog.ts'

/** Holds the event loop for `ms` (CPU-heavy work done on the loop by mistake). */
function hold(ms: number): void {
  const end = performance.now() + ms
  let spins = 0
  while (performance.now() < end) spins++
  if (spins < 0) throw new Error('unreachable')
}
const pause = (ms = 60) => new Promise((resolve) => setTimeout(resolve, ms))
/** A warning without its figures: what the watchdog counts as "the same warning". */
const kind = (message: string) => message.replace(/\d+/g, 'N').replace(/ \(N more like it.*$/, '')

/** Runs the watchdog over steps (a positive number holds the loop that long, a negative one pauses). */
async function watch(quietFor: number, steps: number[]): Promise<string[]> {
  const warn = vi.fn()
  const logger = { error: vi.fn(), warn }
  const stop = startWatchdog(new App({ logger }), logger, { threshold: 40, quietFor })
  try {
    await pause()
    for (const ms of steps) {
      if (ms > 0) hold(ms)
      await pause(ms < 0 ? -ms : 60)
    }
  } finally {
    stop()
  }
  return warn.mock.calls.map(([message]) => String(message))
}

describe('the loop-blocking watchdog', () => {
  it('warns for every block with quietFor 0', async () => {
    const warnings = await watch(0, [120, 120])
    // Each 120 ms hold makes the 10 ms timer at least 100 ms late (a loaded machine adds more).
    expect(warnings.length).toBeGreaterThanOrEqual(2)
    expect(warnings[0]).toMatch(/blocked for \d+ ms while no route was in progress/)
  })

  it('logs the same warning once within quietFor, and the next one says how many it did not', async () => {
    const warnings = await watch(60_000, [120, 120, 120])
    expect(warnings.length).toBeGreaterThanOrEqual(1)
    // Within the quiet time no warning is logged twice (a loaded machine may add one of another kind).
    expect(new Set(warnings.map(kind)).size).toBe(warnings.length)
    // Two blocks within the quiet time, then one after it: that warning counts the one not logged.
    const later = await watch(300, [120, 150, -350, 120])
    expect(later.length).toBeGreaterThanOrEqual(2)
    const kinds = later.map(kind)
    // (Unless a loaded machine made one block look like a wait: another kind, counted apart.)
    if (kinds.length === 2 && kinds[0] === kinds[1]) {
      expect(later[1]).toMatch(/\(\d+ more like it since the last warning, the longest \d+ ms\.\)$/)
    }
  })
})
