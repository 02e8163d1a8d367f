// The NATS side of the bench: the real nats-server of the tests (tooling/runtimes' startNatsServer,
// Debian's /usr/sbin/nats-server) and `tandem-nats-worker` processes (the built bin of @tandem/nats),
// each a child process of the caller, stopped by its PID.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { natsServerBinary } from '../../../../tooling/runtimes/nats-server.ts'
import { natsWorkerArgs } from '../../../../tooling/runtimes/nats-worker.ts'

export { type NatsServer, startNatsServer } from '../../../../tooling/runtimes/nats-server.ts'

const require = createRequire(import.meta.url)

/** The bin `tandem-nats-worker` of the installed @tandem/nats (its dist/: build the package first). */
export function natsWorkerBin(): string {
  const manifest = require.resolve('@tandem/nats/package.json')
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> }
  return join(dirname(manifest), bin['tandem-nats-worker']!)
}

/** `nats-server v2.9.10`, or what is missing. */
export function natsServerVersion(): string {
  try {
    const text = execFileSync(natsServerBinary(), ['--version'], { encoding: 'utf8' }).trim()
    return text.replace(/^nats-server:\s*/, 'nats-server ')
  } catch {
    return `nats-server not found (${natsServerBinary()})`
  }
}

/** A child process started here: its PID, what it printed, and a stop by PID. */
export interface Child {
  readonly pid: number
  readonly child: ChildProcess
  output(): string
  /** Resolves with the exit code (or signal) once it exited. */
  readonly exited: Promise<string>
  /** SIGTERM (or `signal`), SIGKILL after `grace` ms; resolves once it exited. */
  stop(signal?: NodeJS.Signals, grace?: number): Promise<string>
}

/**
 * Starts `command args` with its output kept (the last 8 kB) and, with `echo`, copied to this
 * process's stderr (a server's workers: the harness shows a server's output when it fails).
 */
export function startChild(command: string, args: string[], echo = false): Child {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  if (child.pid === undefined) throw new Error(`could not start ${command} ${args.join(' ')}`)
  let text = ''
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-8000)
    if (echo) process.stderr.write(chunk)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)),
  )
  const pid = child.pid
  return {
    pid,
    child,
    output: () => text,
    exited,
    async stop(signal = 'SIGTERM', grace = 2000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited
      try {
        process.kill(pid, signal)
      } catch {}
      const timer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) {
          try {
            process.kill(pid, 'SIGKILL')
          } catch {}
        }
      }, grace)
      const how = await exited
      clearTimeout(timer)
      return how
    },
  }
}

/**
 * Starts `tandem-nats-worker <entry> --servers <url> --subject <subject> --concurrency <n>` with the
 * runtime running this process (Node, or Bun under `bun`).
 */
export function startNatsWorker(
  entry: string,
  servers: string,
  subject: string,
  concurrency: number,
  echo = false,
): Child {
  return startChild(
    process.execPath,
    natsWorkerArgs(natsWorkerBin(), entry, servers, subject, concurrency),
    echo,
  )
}
