import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  compatibilityFlags,
  DEFAULT_COMPATIBILITY_DATE,
  workerdBundle,
  workerdConfig,
} from '../../../../tooling/runtimes/workerd-config.ts'

/**
 * A server file run on workerd: a Worker module (its default export is a fetch handler, e.g.
 * `export default app`) bundled with esbuild and served by the real `workerd serve`, as
 * tooling/runtimes' `startWorkerd` does for the tests (same esbuild options, compatibility date and
 * flags). esbuild and workerd are the copies installed for tooling/runtimes, the tests' harness: the
 * bench runs the workerd the tests run on, and apps/bench lists no second copy.
 */

const runtimes = createRequire(
  fileURLToPath(new URL('../../../../tooling/runtimes/package.json', import.meta.url)),
)

/** What the bench uses of esbuild's API. */
interface Esbuild {
  version: string
  buildSync(options: object): unknown
}

function esbuild(): Esbuild {
  return runtimes('esbuild') as Esbuild
}

/** The `workerd` binary of the `workerd` npm package. */
export function workerdBinary(): string {
  return join(dirname(runtimes.resolve('workerd/package.json')), 'bin', 'workerd')
}

/** `workerd <date> (npm workerd <version>), bundled by esbuild <version>`, for the report. */
export function workerdVersion(): string {
  try {
    const binary = execFileSync(workerdBinary(), ['--version'], { encoding: 'utf8' }).trim()
    const npm = JSON.parse(readFileSync(runtimes.resolve('workerd/package.json'), 'utf8')).version
    return `${binary} (npm workerd ${npm}), bundled by esbuild ${esbuild().version}`
  } catch {
    return 'workerd not found'
  }
}

export interface WorkerdCommand {
  /** The folder holding worker.js and config.capnp: the process's working directory, removed after it. */
  dir: string
  command: string
  args: string[]
}

/**
 * Bundles `entry` into a fresh folder under apps/bench/.tmp/ and writes a config.capnp serving it on
 * 127.0.0.1:`port` (one Worker, one HTTP socket). `bindings` become text bindings (`env.NAME`):
 * a Worker has no process environment.
 */
export function prepareWorkerd(
  entry: string,
  port: number,
  bindings: Record<string, string>,
): WorkerdCommand {
  const tmp = fileURLToPath(new URL('../../.tmp/', import.meta.url))
  mkdirSync(tmp, { recursive: true })
  const dir = mkdtempSync(join(tmp, 'workerd-'))
  esbuild().buildSync(workerdBundle(entry, join(dir, 'worker.js')))
  // The date and flags Tandem's tests run workerd with (request signal included).
  const config = workerdConfig({
    port,
    compatibilityDate: DEFAULT_COMPATIBILITY_DATE,
    flags: compatibilityFlags(DEFAULT_COMPATIBILITY_DATE),
    bindings,
  })
  writeFileSync(join(dir, 'config.capnp'), config)
  return { dir, command: workerdBinary(), args: ['serve', 'config.capnp'] }
}
