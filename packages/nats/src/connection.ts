import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node'

/**
 * How to reach the NATS server: the `nats` client's connection options (`servers`, `user`/`pass`,
 * `token`, `authenticator`, `tls`, `name`...), passed through as given.
 */
export type NatsConnectionOptions = Omit<NodeConnectionOptions, 'servers'> & {
  /** The NATS server(s): `nats://host:4222`, or several of one cluster. */
  servers: string | string[]
}

/** Where a Tandem process logs. */
export interface NatsLogger {
  info(line: string): void
  warn(line: string): void
  error(line: string, error?: unknown): void
}

/** The console, for processes given no logger. */
export const consoleLogger: NatsLogger = {
  info: (line) => console.log(line),
  warn: (line) => console.warn(line),
  error: (line, error) => (error === undefined ? console.error(line) : console.error(line, error)),
}

/**
 * Connects with Tandem's defaults, which a given option overrides: reconnect forever (the client's
 * default gives up after 10 tries, and a worker or server would then stay cut off), every 500 ms,
 * and ping the server every 10 s (the default 2 minutes leaves a dead connection unnoticed long).
 */
export async function connectNats(options: NatsConnectionOptions, name: string): Promise<NatsConnection> {
  try {
    return await connect({
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      pingInterval: 10_000,
      name,
      ...options,
    })
  } catch (error) {
    throw new Error(
      `Could not connect to the NATS server at ${[options.servers].flat().join(', ')}: ${(error as Error).message}. ` +
        'Start nats-server (or check the URL, user and password), then start again.',
      { cause: error },
    )
  }
}

/** The servers a connection was given, for messages. */
export function serversOf(options: NatsConnectionOptions): string {
  return [options.servers].flat().join(', ')
}

/** Runs `fn` on each status change of the connection (disconnect, reconnect...) until it closes. */
export function onStatus(nc: NatsConnection, fn: (status: { type: string; server?: string }) => void): void {
  void (async () => {
    for await (const status of nc.status()) fn(status as { type: string; server?: string })
  })().catch(() => {})
}
