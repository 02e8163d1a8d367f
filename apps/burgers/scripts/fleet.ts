// `pnpm start:fleet`: the burger shop with its kitchen on worker processes over NATS. Starts
// nats-server (Debian's /usr/sbin/nats-server, or NATS_SERVER), two `tandem-nats-worker` processes that
// load src/fleet-server.ts, then the HTTP server (src/fleet-server.ts), which waits until it sees both
// workers before it listens. Ctrl-C or SIGTERM stops everything in order: the server (it finishes its
// requests), the workers (they finish theirs), nats-server; exit 0. A part that dies on its own stops the
// rest, exit 1.
//
// Environment: PORT (HTTP, default 8000; 0 for a free one), NATS_PORT (default 4222; 0 for a free one),
// NATS_HOST (the address nats-server listens on, default 127.0.0.1; 0.0.0.0 lets workers on other
// machines in), NATS_URL (a running NATS server: none is started), POOL_SIZE (threads per worker,
// default: the cores), BURGERS_DB (the orders' SQLite file).
import { type ChildProcess, spawn } from 'node:child_process'
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { createInterface } from 'node:readline'

const shop = join(import.meta.dirname, '..')
const ENTRY = 'src/fleet-server.ts'
const SUBJECT = 'burgers'
const WORKERS = 2
/** How long each part gets to stop after SIGTERM before SIGKILL (the server drains for up to 25 s, workers 30 s). */
const GRACE = { server: 30_000, worker: 35_000, nats: 5_000 }
const started = Date.now()

const say = (line: string) => console.log(`[fleet] ${line}`)
const complain = (line: string) => console.error(`[fleet] ${line}`)

type Kind = keyof typeof GRACE

/** A process the fleet started. */
interface Part {
  name: string
  kind: Kind
  child: ChildProcess
  pid: number
  /** How it ended (`code 0`, `SIGKILL`), once it did. */
  ended: string | undefined
  closed: Promise<void>
  /** Calls `fn` with each line it prints. */
  onLine(fn: (line: string) => void): void
}

const parts: Part[] = []
let stopping: Promise<never> | undefined

/**
 * Starts a part in its own process group (so a Ctrl-C in the terminal reaches only this launcher,
 * which stops the parts in order) and prefixes each line it prints with its name. `show` picks the
 * lines shown; `died` runs if it exits before the fleet stops, before the rest is stopped.
 */
function start(
  name: string,
  kind: Kind,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; show?: (line: string) => boolean; died?: () => void } = {},
): Part {
  const child = spawn(command, args, {
    cwd: shop,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  if (child.pid === undefined) {
    // spawn() failed at once (ENOENT, EACCES): its 'error' event says why; there is no process to stop.
    child.once('error', () => {})
    throw new Error(`could not start ${name} (${command})`)
  }
  const listeners: ((line: string) => void)[] = []
  const show = options.show ?? (() => true)
  for (const [stream, out] of [
    [child.stdout!, process.stdout],
    [child.stderr!, process.stderr],
  ] as const) {
    createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
      for (const fn of listeners) fn(line)
      if (show(line)) out.write(`${name} | ${line}\n`)
    })
  }
  const part: Part = {
    name,
    kind,
    child,
    pid: child.pid,
    ended: undefined,
    closed: Promise.resolve(),
    onLine: (fn) => void listeners.push(fn),
  }
  part.closed = new Promise<void>((resolve) => {
    child.once('error', (error) => {
      part.ended ??= error.message
      resolve()
    })
    // 'close': it exited and its output was read to the end.
    child.once('close', (code, signal) => {
      part.ended ??= signal ?? `code ${code}`
      resolve()
    })
  })
  void part.closed.then(() => {
    if (stopping) return
    options.died?.()
    complain(`${name} (pid ${part.pid}) exited unexpectedly (${part.ended}): stopping the rest.`)
    void stop(1)
  })
  parts.push(part)
  return part
}

function signal(part: Part, name: NodeJS.Signals): void {
  if (part.ended !== undefined) return
  try {
    process.kill(part.pid, name)
  } catch {
    // It exited meanwhile.
  }
}

/** How each kind exits once asked to stop (nats-server exits with code 1 on SIGTERM). */
const STOPPED: Record<Kind, string[]> = { server: ['code 0'], worker: ['code 0'], nats: ['code 0', 'code 1'] }

/** SIGTERM to each part of a kind, SIGKILL to those still running after its grace period; false if one did not stop cleanly. */
async function stopKind(kind: Kind): Promise<boolean> {
  const stopped = await Promise.all(
    parts
      .filter((part) => part.kind === kind && part.ended === undefined)
      .map(async (part) => {
        signal(part, 'SIGTERM')
        let killed = false
        const timer = setTimeout(() => {
          killed = true
          complain(`${part.name} (pid ${part.pid}) did not stop within ${GRACE[kind] / 1000} s: SIGKILL.`)
          signal(part, 'SIGKILL')
        }, GRACE[kind])
        await part.closed
        clearTimeout(timer)
        const clean = !killed && STOPPED[kind].includes(part.ended!)
        say(`stopped ${part.name} (pid ${part.pid}${clean ? '' : `, ${part.ended}`})`)
        return clean
      }),
  )
  return stopped.every(Boolean)
}

/** Stops every part still running, in order (server, workers, nats-server), and exits. */
function stop(code: number): Promise<never> {
  stopping ??= (async () => {
    let clean = true
    for (const kind of ['server', 'worker', 'nats'] as const) clean = (await stopKind(kind)) && clean
    if (code === 0 && clean) say('everything stopped.')
    process.exit(clean ? code : 1)
  })()
  return stopping
}

for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(name, () => {
    if (stopping) {
      complain(`${name} again: killing everything at once.`)
      for (const part of parts) signal(part, 'SIGKILL')
      void Promise.all(parts.map((part) => part.closed)).then(() => process.exit(1))
      return
    }
    say(`${name}: stopping the server, then the workers, then nats-server.`)
    void stop(0)
  })
}

/** The nats-server binary: NATS_SERVER, else Debian's /usr/sbin/nats-server, else one on PATH. */
function natsServerBinary(): string | undefined {
  const executable = (path: string) => {
    try {
      accessSync(path, constants.X_OK)
      return true
    } catch {
      return false
    }
  }
  if (process.env.NATS_SERVER)
    return executable(process.env.NATS_SERVER) ? process.env.NATS_SERVER : undefined
  const candidates = [
    '/usr/sbin/nats-server',
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'nats-server')),
  ]
  return candidates.find((path) => path !== 'nats-server' && executable(path))
}

/** Waits for `ready` to give a value; stops the fleet if `part` exits first or `ms` pass. */
async function until<T>(part: Part, what: string, ms: number, ready: () => T | undefined): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = ready()
    if (value !== undefined) return value
    if (part.ended !== undefined || stopping) return await stop(1)
    if (Date.now() > deadline) {
      complain(`${part.name} (pid ${part.pid}) was not ${what} within ${ms / 1000} s: stopping.`)
      return await stop(1)
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Starts nats-server on NATS_HOST:NATS_PORT and resolves with its URL once it listens (its ports file is written). */
async function startNats(binary: string): Promise<string> {
  const host = process.env.NATS_HOST ?? '127.0.0.1'
  const port = Number(process.env.NATS_PORT ?? 4222)
  const dir = mkdtempSync(join(tmpdir(), 'burgers-fleet-'))
  const output: string[] = []
  // Its start-up lines are many: only its warnings and errors are shown, all of it if it dies unheard.
  const shown = (line: string) => /\[(WRN|ERR|FTL)\]/.test(line)
  const nats = start(
    'nats-server',
    'nats',
    binary,
    ['-a', host, '-p', port === 0 ? '-1' : String(port), '--ports_file_dir', dir],
    {
      show: shown,
      died: () => {
        if (!output.some(shown)) complain(`nats-server said:\n${output.join('\n')}`)
        if (output.some((line) => line.includes('address already in use'))) {
          complain(
            `port ${port} is taken (another nats-server?): NATS_PORT=0 picks a free one, ` +
              'NATS_URL=nats://host:port uses a running server.',
          )
        }
      },
    },
  )
  nats.onLine((line) => output.push(line))
  void nats.closed.then(() => rmSync(dir, { recursive: true, force: true }))
  const listening = await until(nats, 'ready', 10_000, () => {
    try {
      // {"nats":["nats://127.0.0.1:4222"]}, written once it listens.
      const ports = JSON.parse(readFileSync(join(dir, `nats-server_${nats.pid}.ports`), 'utf8'))
      return (ports as { nats?: string[] }).nats?.[0]
    } catch {
      return undefined // not written yet, or not completely
    }
  })
  const actual = Number(/:(\d+)$/.exec(listening)?.[1])
  const local = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
  const url = `nats://${local}:${actual}`
  say(
    `nats-server: ${url} (pid ${nats.pid})` +
      (local === host
        ? ''
        : `, listening on ${host}: workers elsewhere use --servers nats://<this host>:${actual}`),
  )
  return url
}

/** The path of the bin `tandem-nats-worker` (@tandem/nats, built). */
function workerBin(): string {
  const manifest = createRequire(import.meta.url).resolve('@tandem/nats/package.json')
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> }
  const path = join(dirname(manifest), bin['tandem-nats-worker']!)
  if (!existsSync(path)) {
    complain(`${path} is missing: build first (\`pnpm start:fleet\` from the repository root does).`)
    process.exit(1)
  }
  return path
}

async function main(): Promise<void> {
  const bin = workerBin()
  let natsUrl = process.env.NATS_URL
  if (natsUrl) {
    say(`nats-server: not started, NATS_URL is given (${natsUrl})`)
  } else {
    const binary = natsServerBinary()
    if (!binary) {
      complain(
        `nats-server is missing (no executable ${process.env.NATS_SERVER ?? '/usr/sbin/nats-server'}): install it ` +
          'with `sudo bash tooling/ci/system-deps.sh` from the repository root (or `sudo apt-get install nats-server`), ' +
          'or set NATS_URL to a running NATS server.',
      )
      process.exit(1)
    }
    natsUrl = await startNats(binary)
  }

  const threads = process.env.POOL_SIZE ? ['--concurrency', process.env.POOL_SIZE] : []
  for (let i = 1; i <= WORKERS; i++) {
    const args = [ENTRY, '--servers', natsUrl, '--subject', SUBJECT, ...threads]
    const worker = start(`worker ${i}`, 'worker', process.execPath, [bin, ...args])
    say(`worker ${i}: pid ${worker.pid} (tandem-nats-worker ${args.join(' ')})`)
  }

  let url: string | undefined
  const server = start('server', 'server', process.execPath, [ENTRY], {
    env: {
      ...process.env,
      NATS_URL: natsUrl,
      PORT: process.env.PORT ?? '8000',
      WAIT_FOR_WORKERS: String(WORKERS),
    },
  })
  server.onLine((line) => {
    url ??= /listening on (http:\/\/\S+)/.exec(line)?.[1]
  })
  // The server waits up to 60 s for both workers (src/fleet-server.ts), then starts listening.
  await until(server, 'listening', 90_000, () => url)
  say(
    `server: ${url} (pid ${server.pid}, docs: ${url}/docs), its blocking functions on the ${WORKERS} workers`,
  )
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Ctrl-C stops everything.`)
}

main().catch((error: unknown) => {
  complain(`could not start: ${(error as Error).message}`)
  void stop(1)
})
