/**
 * How Tandem's harnesses (the tests' `startWorkerd`, the benchmarks' workerd servers) bundle a Worker
 * and configure `workerd serve`: one description, so the two run the same Worker the same way.
 */
import type { BuildOptions } from 'esbuild'

/** esbuild's options for bundling the Worker `entry` into `outfile`. */
export function workerdBundle(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'import'],
    external: ['node:*', 'bun:*', 'cloudflare:*'],
    logLevel: 'error',
  }
}

/** The compatibility date the harnesses use unless told otherwise. */
export const DEFAULT_COMPATIBILITY_DATE = '2026-10-01'

/**
 * The compatibility flags of a Worker: `nodejs_compat` before 2026-08-04 (on by default from then,
 * and workerd warns when it is set anyway), `enable_request_signal` unless `requestSignal` is false.
 */
export function compatibilityFlags(date: string, requestSignal = true, extra: string[] = []): string[] {
  return [
    ...(date < '2026-08-04' ? ['nodejs_compat'] : []),
    ...(requestSignal ? ['enable_request_signal'] : []),
    ...extra,
  ]
}

/** What `workerdConfig` writes. */
export interface WorkerdConfig {
  port: number
  compatibilityDate: string
  flags: string[]
  /** Text bindings (`env.NAME`). */
  bindings?: Record<string, string>
  /** Durable Object namespaces (`env.NAME`) by class name, stored with SQLite in `storage`. */
  durableObjects?: Record<string, string>
  /** The directory Durable Objects are stored in (needed when there are any). */
  storage?: string
}

/** The `config.capnp` of a Worker `worker.js` beside it, served on 127.0.0.1:`port`. */
export function workerdConfig(config: WorkerdConfig): string {
  const objects = Object.entries(config.durableObjects ?? {})
  const bindings = [
    ...Object.entries(config.bindings ?? {}).map(
      ([name, text]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(text)})`,
    ),
    ...objects.map(
      ([name, className]) =>
        `(name = ${JSON.stringify(name)}, durableObjectNamespace = ${JSON.stringify(className)})`,
    ),
  ]
  const storage = objects.length > 0 && config.storage
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),${storage ? `\n    (name = "storage", disk = (path = ${JSON.stringify(storage)}, writable = true)),` : ''}
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${config.port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "worker.js") ],
  compatibilityDate = "${config.compatibilityDate}",
  compatibilityFlags = [${config.flags.map((flag) => JSON.stringify(flag)).join(', ')}],
  bindings = [${bindings.join(', ')}],
  durableObjectNamespaces = [${objects
    .map(
      ([, className]) =>
        `(className = ${JSON.stringify(className)}, uniqueKey = ${JSON.stringify(`tandem-${className}`)}, enableSql = true)`,
    )
    .join(', ')}],
  durableObjectStorage = ${storage ? '(localDisk = "storage")' : '(none = void)'},
);
`
}
