import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { track } from './process.ts'
import type { WrkResult } from './types.ts'
import type { WrkRun } from './wrk.ts'

const client = fileURLToPath(new URL('./ws-client.ts', import.meta.url))

/**
 * Starts the WebSocket load generator (ws-client.ts, a Node process: the `wrk` of WebSocket
 * scenarios) and resolves to its numbers in wrk's shape: requests = echoes received.
 */
export function runWsLoad(options: {
  url: string
  connections: number
  seconds: number
  message: string
}): WrkRun {
  const args = [client, options.url, String(options.connections), String(options.seconds), options.message]
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
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
      throw new Error(`ws-client ${args.slice(1).join(' ')} failed (exit ${code}):\n${stdout}${stderr}`)
    }
    return JSON.parse(line.slice('TANDEM_BENCH '.length)) as WrkResult
  })()
  if (child.pid === undefined) throw new Error('could not start the WebSocket load generator')
  return { pid: child.pid, result }
}
