import { type ChildProcess, spawn } from 'node:child_process'
import { LOOP_ENV, type LoopMessage } from './child.ts'
import { choosePort } from './port.ts'

/** Options of `superviseLoops()`. */
export interface SuperviseOptions {
  /** How many event loops (processes) serve the port. */
  count: number
  /** The port they share; 0 picks a free one. */
  port: number
  hostname: string
  /** Start-up lines and restarts. */
  info(message: string): void
  /** Crashes and failed starts. */
  error(message: string): void
  /** The command line of a loop (default: this process's own). */
  command?: { file: string; args: string[] }
}

/** A loop that crashes sooner than this after it started waits before its next start (ms). */
const STABLE_AFTER = 10_000
/** The longest wait before starting a loop again after repeated crashes (ms). */
const MAX_BACKOFF = 30_000

interface Loop {
  index: number
  child: ChildProcess
  startedAt: number
  listening: boolean
}

/**
 * Runs `count` event loops of this program on one port: each is a process started with the same
 * command line and `TANDEM_LOOP=<index>/<count>@<port>`, whose `serve()` listens with SO_REUSEPORT
 * (the kernel spreads connections). Resolves once every loop listens; rejects (and stops the others)
 * if one cannot start. Then it restarts a loop that exits, with a log line, and on SIGTERM or SIGINT
 * stops every loop (each finishes its requests) and exits 0.
 *
 * @example
 * await superviseLoops({ count: 2, port: 8000, hostname: '0.0.0.0', info: console.log, error: console.error })
 */
export async function superviseLoops(options: SuperviseOptions): Promise<void> {
  const where = `${options.hostname}:${options.port}`
  if (process.platform !== 'linux') {
    throw new Error(
      `serve(): workers: ${options.count} needs SO_REUSEPORT to share ${where} between event loops, which Tandem ` +
        `uses on Linux only (this is ${process.platform}). Run one loop (workers: 1) per port behind a proxy, ` +
        'or deploy on Linux (docs/deploy.md, "Several event loops").',
    )
  }
  const port = await choosePort(options.hostname, options.port)
  const command = options.command ?? {
    file: process.execPath,
    args: [...process.execArgv, ...process.argv.slice(1)],
  }
  const loops = new Map<number, Loop>()
  let stopping = false
  let crashes = 0

  const start = (index: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const child = spawn(command.file, command.args, {
        env: { ...process.env, [LOOP_ENV]: `${index}/${options.count}@${port}` },
        stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      })
      const loop: Loop = { index, child, startedAt: Date.now(), listening: false }
      loops.set(index, loop)
      let failure = ''
      child.on('message', (message: LoopMessage) => {
        if (message?.tandem === 'listening') {
          loop.listening = true
          resolve(message.url)
        } else if (message?.tandem === 'failed') failure = message.message
      })
      child.once('error', (error) => reject(new Error(`it could not be started: ${error.message}`)))
      child.once('exit', (code, signal) => {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`
        if (!loop.listening) {
          reject(new Error(failure ? `${failure} (the loop ${how})` : `it ${how} before listening`))
          return
        }
        if (stopping || loops.get(index) !== loop) return
        restart(loop, `event loop ${index}/${options.count} (pid ${child.pid}) ${how}`)
      })
    })

  const restart = (loop: Loop, what: string) => {
    const quick = Date.now() - loop.startedAt < STABLE_AFTER
    crashes = quick ? crashes + 1 : 0
    const delay = quick ? Math.min(MAX_BACKOFF, 1000 * 2 ** (crashes - 1)) : 0
    options.error(`${what}; starting a new one${delay ? ` in ${delay / 1000} s` : ''}.`)
    setTimeout(() => {
      if (stopping) return
      start(loop.index).then(
        (url) => options.info(`event loop ${loop.index}/${options.count} restarted, listening on ${url}`),
        (error: Error) => {
          options.error(`event loop ${loop.index}/${options.count} did not start: ${error.message}.`)
          const failed = loops.get(loop.index)
          if (failed && !stopping) restart(failed, `event loop ${loop.index}/${options.count}`)
        },
      )
    }, delay).unref?.()
  }

  const stopAll = (signal: NodeJS.Signals) => {
    stopping = true
    const exits = [...loops.values()].map(
      ({ child }) =>
        new Promise<number>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode ?? 1)
          else {
            child.once('exit', (code) => resolve(code ?? 1))
            child.kill(signal)
          }
        }),
    )
    return Promise.all(exits)
  }

  let urls: string[]
  try {
    urls = await Promise.all(Array.from({ length: options.count }, (_, i) => start(i + 1)))
  } catch (error) {
    await stopAll('SIGTERM')
    throw new Error(
      `serve(): an event loop did not start on ${options.hostname}:${port}: ${(error as Error).message}`,
      {
        cause: error,
      },
    )
  }
  const pids = [...loops.values()].map(({ child }) => child.pid).join(', ')
  options.info(`${options.count} event loops (pids ${pids}) share ${urls[0]} (workers: ${options.count})`)
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return
    options.info(`${signal}: stopping ${options.count} event loops; each finishes its requests first.`)
    void stopAll('SIGTERM').then((codes) => process.exit(codes.every((code) => code === 0) ? 0 : 1))
  }
  process.once('SIGTERM', onSignal)
  process.once('SIGINT', onSignal)
}
