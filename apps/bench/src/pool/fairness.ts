// Pool fairness: 16 callers, each calling a ~5 ms CPU function in a loop for 4 s, on ONE worker.
// A fair pool serves them in turn: no caller starves, and every call waits about as long as the
// others. Tandem's pool against piscina (default queue, and stricterFIFO) in the same run.
// Writes results/pool-fairness.md.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setScheduler } from '@tandem/core/adapter'
import { createNodePool } from '@tandem/node'
import { Piscina } from 'piscina'
import { cpuBlocking } from './functions.ts'
import { alignedTable, machine, median } from './report.ts'

const here = import.meta.dirname
const CALLERS = 16
const SECONDS = Number(process.env.SECONDS ?? 4)

interface Contender {
  name: string
  start(): Promise<() => Promise<unknown>>
  stop(): Promise<void>
}

function piscina(options: Record<string, unknown>, name: string): Contender {
  let pool: Piscina | undefined
  return {
    name,
    async start() {
      pool = new Piscina({
        filename: join(here, 'piscina-worker.ts'),
        minThreads: 1,
        maxThreads: 1,
        ...options,
      })
      return () => pool!.run({ fn: 'cpu' })
    },
    async stop() {
      await pool?.destroy()
    },
  }
}

function tandem(): Contender {
  let pool: ReturnType<typeof createNodePool> | undefined
  return {
    name: 'Tandem pool (1 worker)',
    async start() {
      pool = createNodePool(join(here, 'functions.ts'), { size: 1 })
      await pool.start()
      setScheduler(pool)
      return () => cpuBlocking()
    },
    async stop() {
      setScheduler(undefined)
      await pool?.close()
    },
  }
}

async function measure(call: () => Promise<unknown>) {
  for (let i = 0; i < 5; i++) await call()
  const end = performance.now() + SECONDS * 1000
  const perCaller: { done: number; waits: number[] }[] = []
  await Promise.all(
    Array.from({ length: CALLERS }, async (_, i) => {
      const mine = { done: 0, waits: [] as number[] }
      perCaller[i] = mine
      while (performance.now() < end) {
        const t = performance.now()
        await call()
        mine.waits.push(performance.now() - t)
        mine.done++
      }
    }),
  )
  const waits = perCaller.flatMap((c) => c.waits).sort((a, b) => a - b)
  const mean = waits.reduce((a, b) => a + b, 0) / waits.length
  const p99 = waits[Math.floor(waits.length * 0.99)] ?? 0
  const counts = perCaller.map((c) => c.done)
  const starved = counts.filter((n) => n <= 1).length
  return { counts, mean, p99, max: waits.at(-1) ?? 0, starved }
}

const contenders = [
  piscina({}, 'piscina (1 thread, default queue)'),
  piscina({ stricterFIFO: true }, 'piscina (1 thread, stricterFIFO)'),
  tandem(),
]
const rows: string[][] = []
const results: Record<string, Awaited<ReturnType<typeof measure>>> = {}
for (const contender of contenders) {
  const call = await contender.start()
  const r = await measure(call)
  await contender.stop()
  results[contender.name] = r
  console.log(
    `${contender.name}: starved ${r.starved}/${CALLERS}, mean ${r.mean.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`,
  )
  rows.push([
    contender.name,
    `${r.starved}/${CALLERS}`,
    `${Math.min(...r.counts)}–${Math.max(...r.counts)} (median ${median(r.counts)})`,
    `${r.mean.toFixed(1)} ms`,
    `${r.p99.toFixed(1)} ms`,
    `${(r.p99 / r.mean).toFixed(2)}x`,
    `${r.max.toFixed(0)} ms`,
  ])
}
const t = results['Tandem pool (1 worker)']!
const lines = [
  '# pool-fairness: 16 callers on one worker',
  '',
  `16 callers each call a ~5 ms CPU function (pbkdf2, 29,000 iterations) in a loop for ${SECONDS} s on a pool of ONE`,
  'worker. A caller is starved when it completed at most one call. "wait" is the time from a call to its result.',
  'Target (issue: execution model): none starved, p99 wait within 1.5x of the mean.',
  '',
  ...machine(),
  '- Command: `pnpm --filter @tandem/bench exec node src/pool/fairness.ts`',
  '',
  ...alignedTable([
    ['pool', 'starved callers', 'calls per caller', 'mean wait', 'p99 wait', 'p99 / mean', 'max wait'],
    ...rows,
  ]),
  '',
  `Tandem: ${t.starved === 0 ? 'no caller starved' : `${t.starved} callers starved`}; p99 / mean ${(t.p99 / t.mean).toFixed(2)}x (target ≤ 1.5x: ${t.p99 / t.mean <= 1.5 ? 'met' : 'NOT met'}).`,
  '',
]
writeFileSync(join(here, '..', '..', 'results', 'pool-fairness.md'), lines.join('\n'))
console.log(lines.join('\n'))
