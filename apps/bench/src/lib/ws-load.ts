import { fileURLToPath } from 'node:url'
import { runLoadGenerator, type WrkRun } from './wrk.ts'

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
  return runLoadGenerator(
    process.execPath,
    args,
    `the WebSocket load generator (ws-client ${args.slice(1).join(' ')})`,
  )
}
