// The app of the fault-injection suite (faults.ts): blocking handlers and utilities that succeed,
// throw, exit their worker, run out of heap, loop past the time limit or reject late, each recording
// its runs in the file named by FAULT_RECORD, so the suite can check that each ran exactly once.
import { appendFileSync } from 'node:fs'
import { App, blocking, depends } from '@tandem/core'
import { z } from 'zod'

const file = process.env.FAULT_RECORD
/** One line per event; a short O_APPEND write is atomic, across threads too. */
function record(line: string): void {
  if (file) appendFileSync(file, `${line}\n`)
}
/** Records the run of call `id`, then behaves as its kind. */
function runAs(kind: FaultKind, id: string): unknown {
  record(`run ${id}`)
  return behaviours[kind]()
}
const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

/** What each kind of call does once it has recorded its run. */
const behaviours = {
  tiny: () => 'ok',
  throw: () => {
    throw new Error('a planned failure')
  },
  exit: () => {
    process.exit(3)
  },
  heap: () => {
    const kept: number[][] = []
    for (;;) kept.push(Array.from({ length: 100_000 }, (_, i) => i))
  },
  loop: () => {
    let spins = 0
    while (spins >= 0) spins = (spins + 1) % 1_000_000
    return spins
  },
  late: async () => {
    await new Promise((resolve) => setTimeout(resolve, 10))
    throw new Error('a planned late rejection')
  },
} as const

export type FaultKind = keyof typeof behaviours
export const faultKinds = Object.keys(behaviours) as FaultKind[]

/** One blocking utility per kind (registered at top level, in the same order on every thread). */
const utilities = Object.fromEntries(
  faultKinds.map((kind) => [
    kind,
    blocking(
      Object.defineProperty((id: string) => runAs(kind, id), 'name', {
        value: `${kind}Util`,
      }),
    ),
  ]),
) as unknown as Record<FaultKind, (id: string) => Promise<unknown>>

export const app = new App({ title: 'Fault injection', docs: false })
const id = { id: z.string().min(1) }

app.get('/health', () => ({ ok: true }))

for (const kind of faultKinds) {
  app.get(
    `/${kind}`,
    { query: id },
    blocking(
      Object.defineProperty(({ query }: { query: { id: string } }) => runAs(kind, query.id), 'name', {
        value: `${kind}Handler`,
      }),
    ),
  )
}

/** Several calls of several kinds inside one request, in one Promise.allSettled. */
app.get('/mix', { query: { ...id, kinds: z.string() } }, async ({ query }) => {
  const kinds = query.kinds.split(',') as FaultKind[]
  const settled = await Promise.allSettled(kinds.map((kind, i) => utilities[kind](`${query.id}.${i}`)))
  return settled.map((s) => (s.status === 'fulfilled' ? 'ok' : (s.reason as Error).name))
})

/** A blocking handler that polls its signal for up to `ms`: it records whether it saw the abort. */
app.get(
  '/watch',
  { query: { ...id, ms: z.number().int().max(10_000) } },
  blocking(function watch({ query, signal }) {
    record(`run ${query.id}`)
    const started = Date.now()
    while (!signal.aborted && Date.now() - started < query.ms) sleepSync(5)
    if (signal.aborted) record(`aborted ${query.id}`)
    return { aborted: signal.aborted }
  }),
)

/** A blocking yield dependency recording its set-up and cleanup. */
const resource = depends(
  { query: id },
  blocking(function* resource({ query }) {
    record(`open ${query.id}`)
    try {
      yield { id: query.id }
    } finally {
      record(`close ${query.id}`)
    }
  }),
)

app.get(
  '/held',
  { query: { ...id, ms: z.number().int().max(10_000) }, deps: { resource } },
  blocking(function held({ query, deps }) {
    record(`run ${query.id}`)
    sleepSync(query.ms)
    return deps.resource
  }),
)

/**
 * The pool settings of a fault-injection server, from its environment (FAULT_POOL_SIZE,
 * FAULT_MAX_QUEUE, FAULT_TIMEOUT): 2 workers, 1024 calls, a 1000 ms limit by default.
 */
export function faultPool(env: Record<string, string | undefined> = process.env) {
  return {
    size: Number(env.FAULT_POOL_SIZE ?? 2),
    maxQueue: Number(env.FAULT_MAX_QUEUE ?? 1024),
    timeout: Number(env.FAULT_TIMEOUT ?? 1000),
    nice: 0,
  }
}
