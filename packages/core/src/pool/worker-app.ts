/** What a worker needs of the app: its lifespan, whose state blocking functions see as `ctx.state`. */
export interface WorkerApp {
  start(): Promise<void>
  close(): Promise<void>
  readonly state: unknown
}

let workerApp: WorkerApp | undefined
let appStarted: Promise<void> | undefined

/**
 * Called by an adapter's `serve()` inside a pool worker: the worker runs the app's lifespan and
 * gives blocking handlers and dependencies its state as `ctx.state`.
 */
export function registerWorkerApp(app: WorkerApp): void {
  workerApp = app
}

/**
 * Registers the app an entry module exports (`export const app`, else `export default`) when the
 * module did not call `serve()` (an entry `tandem run` serves): its lifespan then runs here too.
 */
export function registerExportedApp(module: unknown): void {
  if (workerApp || typeof module !== 'object' || module === null) return
  const { app, default: fallback } = module as { app?: unknown; default?: unknown }
  const found = [app, fallback].find(isWorkerApp)
  if (found) workerApp = found
}

function isWorkerApp(value: unknown): value is WorkerApp {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as WorkerApp).start === 'function' &&
    typeof (value as WorkerApp).close === 'function' &&
    'state' in value
  )
}

/** Starts the registered app's lifespan; `undefined` when the entry registered no app. */
export function startWorkerApp(): Promise<void> | undefined {
  if (!workerApp) return undefined
  appStarted = workerApp.start()
  return appStarted
}

/** The registered app's lifespan state on this worker (`ctx.state`). */
export function workerAppState(): unknown {
  return workerApp?.state
}

/** Runs the app's lifespan teardown if its lifespan was started here; `undefined` when it was not. */
export function closeWorkerApp(): Promise<void> | undefined {
  return workerApp && appStarted ? workerApp.close() : undefined
}
