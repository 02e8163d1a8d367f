// `tandem dev`: a watcher that serves the app in a child process (`tandem run`) and restarts it on change.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { UsageError } from './entry.ts'
import { displayPath, watchSources } from './watch.ts'

/** What `tandem dev` takes from its command line. */
export interface DevOptions {
  port: number
  hostname: string
}

/** How long a reload waits for the old app to exit before killing it (ms). */
const KILL_AFTER = 5000

const log = (message: string) => console.log(`[tandem] ${message}`)

/**
 * The directory `tandem dev` watches: the nearest one at or above the entry that holds a
 * `package.json`, else `cwd`.
 *
 * @example
 * projectDirectory('/srv/shop/src/app.ts', '/srv/shop') // '/srv/shop'
 */
export function projectDirectory(entryPath: string, cwd: string): string {
  for (let dir = dirname(entryPath); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir
    if (dirname(dir) === dir) return cwd
  }
}

/**
 * Checks that `port` is free on `hostname` (0: picks a free one) and returns it; a taken port is a
 * one-line `UsageError` with exit code 1.
 *
 * @example
 * const port = await claimPort(8000, '127.0.0.1')
 */
export function claimPort(port: number, hostname: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE') return reject(error)
      reject(
        new UsageError(
          `tandem: port ${port} on ${hostname} is in use. Stop what uses it, or pick another with --port.`,
          1,
        ),
      )
    })
    probe.listen(port, hostname, () => {
      const chosen = (probe.address() as { port: number }).port
      probe.close(() => resolve(chosen))
    })
  })
}

/**
 * Serves the entry's app in a child process (`tandem run` on the same runtime, `TANDEM_DEV=1`) and
 * restarts it, on the same port, whenever a source file of its project changes. A child that fails
 * (a broken edit) is reported and the watcher waits for the next change. SIGINT, SIGTERM and SIGHUP
 * stop the child, then exit 0; a child whose watcher dies stops by itself. Resolves once the first child is started; the watcher runs until a signal.
 *
 * @example
 * await dev('/srv/shop/src/app.ts', { port: 8000, hostname: '127.0.0.1' })
 */
export async function dev(entryPath: string, options: DevOptions): Promise<void> {
  const port = await claimPort(options.port, options.hostname)
  const host = options.hostname.includes(':') ? `[${options.hostname}]` : options.hostname
  const url = `http://${host}:${port}`
  const project = projectDirectory(entryPath, process.cwd())
  const args = [
    ...process.execArgv,
    process.argv[1]!,
    'run',
    entryPath,
    '--port',
    String(port),
    '--host',
    options.hostname,
  ]
  log(
    `dev: serving ${displayPath(entryPath, process.cwd())} on ${url} (docs: ${url}/docs); ` +
      `reloading on changes in ${project}. Ctrl-C stops.`,
  )

  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()
  let stopping = false
  let restarting = false

  const start = () => {
    let listening = false
    const current = spawn(process.execPath, args, {
      // Its own process group: Ctrl-C reaches the watcher only, which stops the app once (SIGTERM).
      // The app stops by itself when the watcher dies (its IPC channel closes).
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, TANDEM_DEV: '1' },
    })
    current.on('error', (error) => log(`could not start the app: ${error.message}`))
    current.on('message', (message) => {
      if ((message as { tandem?: string }).tandem === 'listening') listening = true
    })
    child = current
    exited = new Promise((resolve) => {
      current.once('exit', (code, signal) => {
        if (child === current) child = undefined
        resolve()
        if (stopping || current.killed) return
        if (!listening) log('the app did not start (the error is above); waiting for a change')
        else
          log(
            `the app stopped (${signal ? `signal ${signal}` : `exit code ${code}`}; the error is above); waiting for a change`,
          )
      })
    })
  }

  /** Stops the running child, if any: SIGTERM, then SIGKILL past KILL_AFTER. */
  const stopChild = async () => {
    const current = child
    if (!current) return exited
    current.kill('SIGTERM')
    const timer = setTimeout(() => current.kill('SIGKILL'), KILL_AFTER)
    await exited
    clearTimeout(timer)
  }

  const reload = async (file: string) => {
    if (stopping) return
    // A change while restarting is in the code the new child loads.
    if (restarting) return
    restarting = true
    log(`${file} changed; reloading`)
    await stopChild()
    restarting = false
    if (!stopping) start()
  }

  const stopWatching = watchSources(project, (file) => void reload(file), {
    onError: (dir, error) =>
      log(
        `cannot watch ${dir} (${error.message}): changes there will not reload the app. ` +
          'On Linux, raise fs.inotify.max_user_watches, or make the project smaller.',
      ),
  })
  const shutdown = async () => {
    if (stopping) return
    stopping = true
    stopWatching()
    await stopChild()
    process.exit(0)
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => void shutdown())
  start()
}
