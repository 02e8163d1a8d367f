// Spawning the real `tandem` bin as a user would, on Node or Bun, and talking to what it serves.
import { type ChildProcess, spawn } from 'node:child_process'
import { request } from 'node:http'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'

export const bin = join(import.meta.dirname, '..', 'dist', 'cli.js')
export const fixtures = join(import.meta.dirname, 'fixtures')
export const bun = join(dirname(createRequire(import.meta.url).resolve('bun/package.json')), 'bin', 'bun.exe')
export const runtimes = ['node', 'bun'] as const
export type Runtime = (typeof runtimes)[number]

/** A running `tandem` process: its output so far, and its exit. */
export interface Tandem {
  child: ChildProcess
  output(): string
  /** Resolves once the output matches `pattern`; rejects past `timeout` ms, with the output. */
  waitFor(pattern: RegExp, timeout?: number): Promise<void>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const started = new Set<ChildProcess>()

/** Starts `tandem ...args` on `runtime` in its own process group (so `killAll` reaches its children). */
export function startTandem(runtime: Runtime, args: string[], cwd = fixtures): Tandem {
  const child = spawn(runtime === 'node' ? process.execPath : bun, [bin, ...args], {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // As a user's shell would: no PORT, and not the NODE_PATH pnpm gives vitest (it reaches every package).
    env: { ...process.env, PORT: '', NODE_PATH: '' },
  })
  started.add(child)
  let text = ''
  child.stdout!.on('data', (chunk) => (text += chunk))
  child.stderr!.on('data', (chunk) => (text += chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      started.delete(child)
      resolve({ code, signal })
    }),
  )
  const waitFor = (pattern: RegExp, timeout = 15_000) =>
    poll(
      async () => pattern.test(text),
      timeout,
      () => `output matching ${pattern}; output:\n${text}`,
    )
  return { child, output: () => text, waitFor, exited }
}

/** Kills, with SIGKILL, the process group of every `tandem` started and still running (a `tandem dev` app, in a group of its own, stops with its watcher). */
export function killAll(): void {
  for (const child of started) {
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {}
  }
  started.clear()
}

/** Calls `check` every 100 ms until it returns true; rejects past `timeout` ms. */
export async function poll(
  check: () => Promise<boolean>,
  timeout: number,
  what: () => string = () => 'the condition',
): Promise<void> {
  const deadline = Date.now() + timeout
  for (;;) {
    if (await check().catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`Waited ${timeout} ms for ${what()}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** A port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** GET over a new connection (no keep-alive): status and parsed JSON body. */
export function get(port: number, path: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: 10_000 }, (res) => {
      let data = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => (data += chunk))
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode!, body: JSON.parse(data) })
        } catch {
          resolve({ status: res.statusCode!, body: data })
        }
      })
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)))
    req.on('error', reject)
    req.end()
  })
}

/** Polls `GET path` until its body's `key` is `value`. */
export function waitForAnswer(port: number, path: string, key: string, value: unknown, timeout = 15_000) {
  let last: unknown
  return poll(
    async () => {
      last = (await get(port, path)).body
      return (last as Record<string, unknown>)?.[key] === value
    },
    timeout,
    () => `GET ${path} to answer ${key}: ${String(value)} (last: ${JSON.stringify(last)})`,
  )
}
