import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { descendants, statState } from './cpu.ts'
import type { Runtime } from './types.ts'
import { prepareWorkerd } from './workerd.ts'

export const HOST = '127.0.0.1'

const live = new Set<ChildProcess>()

/** A free TCP port on 127.0.0.1 (bound then released; the server binds it right after). */
export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, HOST)
  await once(server, 'listening')
  const address = server.address()
  server.close()
  await once(server, 'close')
  if (address === null || typeof address === 'string') throw new Error('no port from the OS')
  return address.port
}

/** Keeps the last `limit` characters a child wrote, for error messages. */
function tail(limit = 4000) {
  let text = ''
  return {
    push(chunk: Buffer) {
      text = (text + chunk.toString()).slice(-limit)
    },
    get text() {
      return text
    },
  }
}

export interface RunningServer {
  pid: number
  port: number
  url: string
  /** What the server wrote to stdout and stderr (the last few kB). */
  output(): string
  /** Stops the server by its PID: SIGTERM, then SIGKILL after 3 s. */
  stop(): Promise<void>
}

/** The Bun binary of the workspace's `bun` package (a dependency of apps/bench). */
export function bunBinary(): string {
  const require = createRequire(import.meta.url)
  return join(dirname(require.resolve('bun/package.json')), 'bin', 'bun.exe')
}

/** The process that serves `path` on `port` with `runtime`, and what to remove after it. */
function command(path: string, port: number, extraEnv: Record<string, string>, runtime: Runtime) {
  if (runtime === 'workerd') {
    // A Worker has no process environment: PORT goes in config.capnp, the rest as text bindings.
    const workerd = prepareWorkerd(path, port, extraEnv)
    return {
      ...workerd,
      cwd: workerd.dir,
      cleanup: () => rmSync(workerd.dir, { recursive: true, force: true }),
    }
  }
  return {
    command: runtime === 'bun' ? bunBinary() : process.execPath,
    args: [path],
    cwd: undefined,
    cleanup: () => {},
  }
}

/**
 * Starts `node <file>` (or `bun <file>`, or `workerd serve` of the bundled file) with PORT set and waits
 * until it answers HTTP on 127.0.0.1.
 */
export async function startServer(
  file: string,
  extraEnv: Record<string, string> = {},
  readyPath = '/',
  runtime: Runtime = 'node',
  readyLine?: string,
): Promise<RunningServer> {
  const port = await freePort()
  const path = fileURLToPath(new URL(`../servers/${file}`, import.meta.url))
  const run = command(path, port, extraEnv, runtime)
  const child = spawn(run.command, run.args, {
    ...(run.cwd ? { cwd: run.cwd } : {}),
    env: { ...process.env, ...extraEnv, PORT: String(port), NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  live.add(child)
  const out = tail()
  child.stdout!.on('data', out.push)
  child.stderr!.on('data', out.push)
  const exited = once(child, 'exit')
  exited.then(() => {
    live.delete(child)
    run.cleanup()
  })
  if (child.pid === undefined) throw new Error(`could not start ${file}`)
  const pid = child.pid

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    // A supervisor stops its loops on SIGTERM: those it had must be gone soon after it exits.
    const below = descendants(pid)
    process.kill(pid, 'SIGTERM')
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL')
    }, 3000)
    await exited
    clearTimeout(timer)
    const left = await outlived(below, 3000)
    if (left.length > 0) {
      const message = `${file}: process(es) ${left.join(', ')} outlived the server (pid ${pid}); killed by PID`
      console.error(`[bench] ${message}`)
      orphans.push(message)
      for (const orphan of left) {
        try {
          process.kill(orphan, 'SIGKILL')
        } catch {}
      }
    }
  }

  const url = `http://${HOST}:${port}`
  const deadline = Date.now() + 15_000
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${file} exited (${child.exitCode ?? child.signalCode}) before listening:\n${out.text}`)
    }
    try {
      const response = await fetch(url + readyPath, { signal: AbortSignal.timeout(1000) })
      await response.arrayBuffer()
      break
    } catch {
      if (Date.now() > deadline) {
        await stop()
        throw new Error(`${file} did not answer on ${url} within 15 s:\n${out.text}`)
      }
      await sleep(50)
    }
  }
  // Then, when the spec names one, the line saying the server is ready (e.g. every loop listens).
  while (readyLine !== undefined && !out.text.includes(readyLine)) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await stop()
      throw new Error(`${file} answered on ${url} but never printed '${readyLine}':\n${out.text}`)
    }
    await sleep(50)
  }
  return { pid, port, url, output: () => out.text, stop }
}

/** Processes found alive after the server that started them had stopped (should stay empty). */
export const orphans: string[] = []

/** Of `pids`, those still alive after `ms` (zombies count as gone): looks every 50 ms. */
async function outlived(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms
  for (;;) {
    const alive = pids.filter((p) => {
      const state = statState(p)
      return state !== undefined && state !== 'Z'
    })
    if (alive.length === 0 || Date.now() > deadline) return alive
    await sleep(50)
  }
}

/** Stops every child still running (harness interrupted): each by its own PID. */
export function killAll(): void {
  for (const child of live) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL')
      } catch {}
    }
  }
}

/** Registers a child (wrk) so an interrupted run stops it too. */
export function track(child: ChildProcess): void {
  live.add(child)
  child.once('exit', () => live.delete(child))
}
