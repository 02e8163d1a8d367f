import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { track } from './process.ts'
import type { WrkResult } from './types.ts'

export const luaDir = fileURLToPath(new URL('../../lua/', import.meta.url))

export interface WrkOptions {
  url: string
  connections: number
  seconds: number
  /** Request headers (wrk -H). */
  headers?: Record<string, string>
  /** File name under lua/. */
  script: string
  /** Arguments after `--`, passed to the script's init(). */
  scriptArgs?: string[]
}

export interface WrkRun {
  pid: number
  result: Promise<WrkResult>
}

/** `wrk -v` first line, or throws with an install hint when wrk is missing. */
export function wrkVersion(): string {
  try {
    // wrk -v prints its version then the usage, and exits with status 1.
    return execFileSync('wrk', ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split(
      '\n',
    )[0]!
  } catch (error: any) {
    const text = String(error.stdout ?? '') + String(error.stderr ?? '')
    if (text.startsWith('wrk')) return text.split('\n')[0]!.replace(/\s*Copyright.*$/, '')
    throw new Error('wrk not found: install it with `apt-get install -y wrk` (Debian)')
  }
}

/** Starts `wrk -t1` and resolves to the numbers printed by the script's done() (lua/lib.lua). */
export function runWrk(options: WrkOptions): WrkRun {
  const args = [
    '-t1',
    `-c${options.connections}`,
    `-d${options.seconds}s`,
    '--timeout',
    '10s',
    ...Object.entries(options.headers ?? {}).flatMap(([name, value]) => ['-H', `${name}: ${value}`]),
    '-s',
    luaDir + options.script,
    options.url,
  ]
  if (options.scriptArgs?.length) args.push('--', ...options.scriptArgs)
  return runLoadGenerator('wrk', args, `wrk ${args.join(' ')}`)
}

/**
 * Starts a load generator (`wrk`, or the WebSocket client) and resolves to the numbers it prints on
 * its `TANDEM_BENCH {json}` line; `label` names it in the error when it fails.
 */
export function runLoadGenerator(command: string, args: string[], label: string): WrkRun {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  track(child)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const result = (async () => {
    const [code] = await once(child, 'exit')
    const line = stdout.split('\n').find((l) => l.startsWith('TANDEM_BENCH '))
    if (code !== 0 || line === undefined) {
      throw new Error(`${label} failed (exit ${code}):\n${stdout}${stderr}`)
    }
    return JSON.parse(line.slice('TANDEM_BENCH '.length)) as WrkResult
  })()
  if (child.pid === undefined) throw new Error(`could not start ${label}`)
  return { pid: child.pid, result }
}

/** Requests per second of a run. */
export function rate(result: WrkResult): number {
  return result.requests / (result.duration_us / 1e6)
}

/** Non-2xx/3xx answers plus socket errors (connect, read, write, timeout). */
export function errorCount(result: WrkResult): number {
  const e = result.errors
  return e.status + e.connect + e.read + e.write + e.timeout
}
