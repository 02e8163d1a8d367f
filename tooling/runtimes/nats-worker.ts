/**
 * The command line of a `tandem-nats-worker` process, in one place for the tests of @tandem/nats
 * (packages/nats/test/fleet.ts) and the bench (apps/bench/src/lib/nats.ts). Both run it with the
 * runtime running them (`process.execPath`: Node, or Bun under `bun`), since a fleet is one runtime.
 */

/**
 * The arguments of `<bin> <entry> --servers <url> --subject <subject> --concurrency <n> [...extra]`,
 * `bin` being the built bin of @tandem/nats (its dist/bin.js).
 */
export function natsWorkerArgs(
  bin: string,
  entry: string,
  servers: string,
  subject: string,
  concurrency = 1,
  extra: string[] = [],
): string[] {
  return [
    bin,
    entry,
    '--servers',
    servers,
    '--subject',
    subject,
    '--concurrency',
    String(concurrency),
    ...extra,
  ]
}
