// How the suite's blocking functions report what they did (a run counted, a call started or ended,
// a cleanup ran) to the test: a handle of cells, passed as an argument. The handle is plain data;
// the functions here read and write its cells wherever the blocking function runs: in a thread
// (shared memory) or in another process on the same machine (files).

/** Which channel the suite's blocking functions report through: see `SchedulerSuiteOptions.probe`. */
export type SuiteProbeKind = 'shared-memory' | 'files'

/**
 * A handle to a few integer cells, all 0 at first, that the suite passes to its blocking functions.
 * Plain data: a `SharedArrayBuffer` (threads) or the path of a directory holding one file per cell
 * (processes on the same machine, which cannot share memory).
 *
 * @example
 * const cells: ProbeCells = { kind: 'files', dir: '/tmp/tandem-probe-a1b2c3' }
 */
export type ProbeCells =
  | { readonly kind: 'shared-memory'; readonly memory: SharedArrayBuffer }
  | { readonly kind: 'files'; readonly dir: string }

/** The synchronous part of `node:fs` the file cells use (Node and Bun have it; workerd does not). */
interface SyncFs {
  readFileSync(path: string, encoding: 'utf8'): string
  writeFileSync(path: string, data: string): void
  renameSync(from: string, to: string): void
  openSync(path: string, flags: string): number
  closeSync(fd: number): void
  unlinkSync(path: string): void
  statSync(path: string): { mtimeMs: number }
  mkdtempSync(prefix: string): string
  rmSync(path: string, options: { recursive: boolean; force: boolean }): void
}

type Builtins = { getBuiltinModule?(id: string): unknown }

/** `node:fs`, looked up when a file cell is first used: this module still loads where it is absent. */
function fs(): SyncFs {
  const proc = (globalThis as { process?: Builtins }).process
  const module = proc?.getBuiltinModule?.('node:fs') as SyncFs | undefined
  if (!module) throw new Error("File probe cells need process.getBuiltinModule('node:fs') (Node or Bun).")
  return module
}

/** Sleeps synchronously (Atomics.wait on a buffer of its own: nothing else ever wakes it). */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

const cellPath = (dir: string, index: number) => `${dir}/cell-${index}`

function readCell(dir: string, index: number): number {
  try {
    return Number(fs().readFileSync(cellPath(dir, index), 'utf8'))
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return 0
    throw error
  }
}

/** Replaces a cell's file in one rename: a reader sees the old value or the new one, never half. */
function writeCell(dir: string, index: number, value: number): void {
  const temp = `${cellPath(dir, index)}.${crypto.randomUUID()}`
  fs().writeFileSync(temp, String(value))
  fs().renameSync(temp, cellPath(dir, index))
}

/** Runs `fn` holding the cell's lock file (processes take turns); a lock left by a dead process expires. */
function locked<T>(dir: string, index: number, fn: () => T): T {
  const lock = `${cellPath(dir, index)}.lock`
  for (;;) {
    try {
      fs().closeSync(fs().openSync(lock, 'wx'))
      break
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error
      try {
        if (Date.now() - fs().statSync(lock).mtimeMs > 2000) fs().unlinkSync(lock)
      } catch {}
      sleepSync(1)
    }
  }
  try {
    return fn()
  } finally {
    fs().unlinkSync(lock)
  }
}

/**
 * Adds `delta` to a cell and returns its value before, atomically (across threads for shared
 * memory, across processes for files). Written before it returns: a `process.exit()` right after
 * loses nothing.
 *
 * @example
 * const order = addCell(cells, 0) // 0 for the first call, 1 for the next...
 */
export function addCell(cells: ProbeCells, index: number, delta = 1): number {
  if (cells.kind === 'shared-memory') return Atomics.add(new Int32Array(cells.memory), index, delta)
  return locked(cells.dir, index, () => {
    const before = readCell(cells.dir, index)
    writeCell(cells.dir, index, before + delta)
    return before
  })
}

/**
 * Sets a cell.
 *
 * @example
 * storeCell(cells, 1, 1) // "the call ended"
 */
export function storeCell(cells: ProbeCells, index: number, value: number): void {
  if (cells.kind === 'shared-memory') Atomics.store(new Int32Array(cells.memory), index, value)
  else writeCell(cells.dir, index, value)
}

/**
 * Reads a cell.
 *
 * @example
 * expect(loadCell(cells, 0)).toBe(1)
 */
export function loadCell(cells: ProbeCells, index: number): number {
  if (cells.kind === 'shared-memory') return Atomics.load(new Int32Array(cells.memory), index)
  return readCell(cells.dir, index)
}

/**
 * Blocks the calling thread while a cell holds `value`, for at most `timeout` ms, as `Atomics.wait`
 * does (file cells are polled every millisecond). For blocking functions; a test awaits `awaitCell`.
 *
 * @example
 * waitCell(cells, 0, 0, 5000) // until someone changes cell 0: 'ok', 'not-equal' or 'timed-out'
 */
export function waitCell(
  cells: ProbeCells,
  index: number,
  value: number,
  timeout = Number.POSITIVE_INFINITY,
): 'ok' | 'not-equal' | 'timed-out' {
  if (cells.kind === 'shared-memory') return Atomics.wait(new Int32Array(cells.memory), index, value, timeout)
  if (readCell(cells.dir, index) !== value) return 'not-equal'
  const deadline = Date.now() + timeout
  while (Date.now() < deadline) {
    sleepSync(1)
    if (readCell(cells.dir, index) !== value) return 'ok'
  }
  return 'timed-out'
}

/**
 * Waits, without blocking the event loop, until a cell holds `value`; rejects after `timeout` ms.
 *
 * @example
 * await awaitCell(cells, 0, 1) // the call has started
 */
export async function awaitCell(cells: ProbeCells, index: number, value: number, timeout = 10_000) {
  const deadline = Date.now() + timeout
  while (loadCell(cells, index) !== value) {
    if (Date.now() > deadline)
      throw new Error(`Probe cell ${index} did not become ${value} in ${timeout} ms.`)
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

/**
 * Makes the suite's cells of one kind, and removes what it made.
 *
 * @example
 * const probe = suiteProbe('files')
 * const cells = probe.cells(2)
 * probe.dispose()
 */
export interface SuiteProbe {
  readonly kind: SuiteProbeKind
  /** `count` new cells, all 0. */
  cells(count: number): ProbeCells
  /** Removes the files of the cells made so far (shared memory needs nothing). */
  dispose(): void
}

/**
 * A probe of the given kind. File cells live in a new directory under the OS's temporary directory.
 *
 * @example
 * const probe = suiteProbe('shared-memory')
 * const counter = probe.cells(1)
 */
export function suiteProbe(kind: SuiteProbeKind): SuiteProbe {
  if (kind === 'shared-memory')
    return { kind, cells: (count) => ({ kind, memory: new SharedArrayBuffer(4 * count) }), dispose() {} }
  if (kind !== 'files') throw new TypeError(`probe must be 'shared-memory' or 'files', not ${String(kind)}.`)
  const dirs: string[] = []
  return {
    kind,
    cells() {
      const proc = (globalThis as { process?: Builtins }).process
      const os = proc?.getBuiltinModule?.('node:os') as { tmpdir(): string } | undefined
      if (!os) throw new Error("File probe cells need process.getBuiltinModule('node:os') (Node or Bun).")
      const dir = fs().mkdtempSync(`${os.tmpdir()}/tandem-probe-`)
      dirs.push(dir)
      return { kind, dir }
    },
    dispose() {
      for (const dir of dirs.splice(0)) fs().rmSync(dir, { recursive: true, force: true })
    },
  }
}
