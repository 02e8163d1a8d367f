import { type ChildProcess, spawn } from 'node:child_process'
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'

/**
 * Real nats-server processes for the tests of @tandem/nats: Debian's nats-server (2.9.x), which
 * `bash tooling/ci/system-deps.sh` installs as root, or the binary `NATS_SERVER` names. Each server
 * listens on 127.0.0.1, on a free port unless one is given, with its monitoring endpoints on another;
 * it is stopped by its PID, and only by the caller: nothing here stops a server at exit.
 * Works from vitest on Node and from `bun test` on Bun (node:child_process, node:fs, node:os only).
 */

/** A running nats-server. */
export interface NatsServer {
  /** `nats://127.0.0.1:PORT`, for a client's `servers` option; the same across restarts. */
  readonly url: string
  /** Its client port, the same across restarts. */
  readonly port: number
  /** The PID of its current process: a new one after `restart()`. */
  readonly pid: number
  /** `http://127.0.0.1:PORT` of its monitoring endpoints (`/varz`, `/connz`...); the same across restarts. */
  readonly monitorUrl: string
  /** SIGTERM, then SIGKILL if it has not exited within 3 s; resolves once it exited. */
  stop(): Promise<void>
  /**
   * Sends `signal` (SIGKILL by default) and resolves once it exited: a signal nats-server survives
   * (SIGHUP reloads its configuration, SIGUSR1 reopens its log) never resolves.
   */
  kill(signal?: NodeJS.Signals): Promise<void>
  /** Starts it again on the same ports (stopping it first if it still runs); resolves once it is ready. */
  restart(): Promise<void>
  /** Everything its processes printed so far, across restarts. */
  output(): string
}

/** Options of `startNatsServer`. */
export interface NatsServerOptions {
  /** The client port (default: a free one). */
  port?: number
}

const READY_TIMEOUT_MS = 10_000
const STOP_GRACE_MS = 3_000

/** The nats-server binary: `NATS_SERVER`, else Debian's `/usr/sbin/nats-server`. */
export function natsServerBinary(): string {
  return process.env.NATS_SERVER ?? '/usr/sbin/nats-server'
}

/** Whether the nats-server binary is there and executable. */
export function natsServerAvailable(): boolean {
  try {
    accessSync(natsServerBinary(), constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** One nats-server process. */
interface Process {
  child: ChildProcess
  /** Resolves once it exited and its output was read. */
  closed: Promise<void>
  /** How it ended (`code 1`, `SIGKILL`...), once it did. */
  ended: string | undefined
}

/**
 * Starts nats-server on 127.0.0.1 and resolves once it wrote its ports file, that is once it listens
 * for clients. `port` or `monitorPort` -1: a free one. The ports file's folder is removed at exit.
 */
async function launch(
  binary: string,
  port: number,
  monitorPort: number,
  append: (chunk: unknown) => void,
  output: () => string,
): Promise<{ proc: Process; nats: string; monitoring: string }> {
  const dir = mkdtempSync(`${tmpdir()}/tandem-nats-`)
  const child = spawn(
    binary,
    ['-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort), '--ports_file_dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  child.stdout?.on('data', append)
  child.stderr?.on('data', append)
  const proc: Process = { child, closed: Promise.resolve(), ended: undefined }
  proc.closed = new Promise<void>((resolve) => {
    const end = (how: string) => {
      proc.ended ??= how
      rmSync(dir, { recursive: true, force: true })
      resolve()
    }
    child.once('error', (error) => end(error.message))
    child.once('close', (code, signal) => end(signal ?? `code ${code}`))
  })

  const file = `${dir}/nats-server_${child.pid}.ports`
  const deadline = Date.now() + READY_TIMEOUT_MS
  for (;;) {
    if (proc.ended !== undefined) {
      throw new Error(`nats-server exited (${proc.ended}) before it was ready:\n${output()}`)
    }
    try {
      // {"nats":["nats://127.0.0.1:43925"],"monitoring":["http://127.0.0.1:40053"]}, written once it listens.
      const ports = JSON.parse(readFileSync(file, 'utf8')) as { nats?: string[]; monitoring?: string[] }
      const nats = ports.nats?.[0]
      const monitoring = ports.monitoring?.[0]
      if (nats && monitoring) return { proc, nats, monitoring }
    } catch {
      // Not written yet, or not completely.
    }
    if (Date.now() > deadline) {
      signal(proc, 'SIGKILL')
      await proc.closed
      throw new Error(
        `nats-server did not write its ports file (${file}) within ${READY_TIMEOUT_MS / 1000} s:\n${output()}`,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Signals the process by its PID, unless it already exited. */
function signal(proc: Process, name: NodeJS.Signals): void {
  if (proc.ended !== undefined || proc.child.pid === undefined) return
  try {
    process.kill(proc.child.pid, name)
  } catch {
    // It exited meanwhile.
  }
}

function portOf(url: string): number {
  return Number(/:(\d+)$/.exec(url)?.[1])
}

/**
 * Starts `nats-server -a 127.0.0.1 -p <port or -1> -m -1 --ports_file_dir <tmp>` and resolves once it
 * listens (its ports file is written), within 10 s; rejects with its output otherwise. Throws at
 * once if the binary is missing. The caller stops it (`stop()`).
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const binary = natsServerBinary()
  if (!natsServerAvailable()) {
    throw new Error(
      `nats-server is missing: no executable ${binary}. Install Debian's nats-server with ` +
        '`bash tooling/ci/system-deps.sh` as root, or set NATS_SERVER to the path of a nats-server binary.',
    )
  }
  let text = ''
  const append = (chunk: unknown) => {
    text += String(chunk)
  }
  const output = () => text

  const first = await launch(binary, options.port ?? -1, -1, append, output)
  let current = first.proc
  const url = first.nats
  const port = portOf(first.nats)
  const monitorUrl = first.monitoring
  const monitorPort = portOf(first.monitoring)

  const stop = async () => {
    const proc = current
    signal(proc, 'SIGTERM')
    const timer = setTimeout(() => signal(proc, 'SIGKILL'), STOP_GRACE_MS)
    await proc.closed
    clearTimeout(timer)
  }

  return {
    url,
    port,
    get pid() {
      return current.child.pid!
    },
    monitorUrl,
    stop,
    async kill(name: NodeJS.Signals = 'SIGKILL') {
      signal(current, name)
      await current.closed
    },
    async restart() {
      await stop()
      current = (await launch(binary, port, monitorPort, append, output)).proc
    },
    output,
  }
}
