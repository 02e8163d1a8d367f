/**
 * Calls `onExit` as the process is asked to exit (`process.exit()`), before it exits. A call that
 * exits the worker is the last to run on it. Node stops a worker at once; Bun lets it run on for a
 * moment, and would start the calls sent behind: they stay unstarted here, so the main side runs
 * them on another worker, once.
 */
export function watchExit(onExit: () => void): void {
  const proc = (globalThis as { process?: { exit?: (code?: number) => never } }).process
  const exit = proc?.exit
  if (!proc || typeof exit !== 'function') return
  proc.exit = ((code?: number) => {
    onExit()
    return exit.call(proc, code)
  }) as typeof exit
}
