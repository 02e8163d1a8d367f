import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { cpus, release, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { bunBinary } from './process.ts'
import { workerdVersion } from './workerd.ts'

const benchDir = fileURLToPath(new URL('../../', import.meta.url))
const repoDir = fileURLToPath(new URL('../../../../', import.meta.url))

export interface Environment {
  date: string
  machine: string
  node: string
  bun: string
  /** Only when a server ran on workerd: its version and the esbuild that bundled it. */
  workerd?: string
  wrk: string
  commit: string
  packages: Record<string, string>
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'))
    return line?.split(':')[1]?.trim() ?? 'unknown CPU'
  } catch {
    return cpus()[0]?.model ?? 'unknown CPU'
  }
}

function run(command: string, args: string[], cwd = repoDir): string | undefined {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return undefined
  }
}

/** The version of the workspace's Bun (the one bun servers run on), and whether this run used it. */
function bunVersion(used: boolean): string {
  let binary: string
  try {
    binary = bunBinary()
  } catch {
    return 'not found'
  }
  if (!existsSync(binary)) return 'not found'
  const version = run(binary, ['--version'])
  if (!version) return 'not found'
  return used ? version : `${version} (not used by these servers)`
}

/**
 * Version of a dependency as installed for apps/bench. A workspace package (@tandem/*) also says when
 * its dist/ was built, since the servers run the built code, which may lag behind the sources.
 */
export function packageVersion(name: string): string {
  const dir = `${benchDir}node_modules/${name}/`
  try {
    const version = String(JSON.parse(readFileSync(`${dir}package.json`, 'utf8')).version)
    if (!name.startsWith('@tandem/')) return version
    const built = statSync(`${dir}dist/index.js`)
      .mtime.toISOString()
      .replace(/\.\d+Z$/, 'Z')
    return `${version} (dist built ${built})`
  } catch {
    return 'not installed or not built'
  }
}

export function environment(
  wrk: string,
  packages: string[],
  usesBun: boolean,
  usesWorkerd = false,
): Environment {
  const gib = (totalmem() / 1024 ** 3).toFixed(1)
  const head = run('git', ['rev-parse', '--short', 'HEAD']) ?? 'unknown'
  const dirty = run('git', ['status', '--porcelain', '--', 'packages', 'apps/bench/src'])
  const versions: Record<string, string> = {}
  for (const name of packages) versions[name] = packageVersion(name)
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine: `${cpus().length} cores, ${gib} GiB, ${cpuModel()}, Linux ${release()}`,
    node: process.version,
    bun: bunVersion(usesBun),
    ...(usesWorkerd ? { workerd: workerdVersion() } : {}),
    wrk,
    commit: dirty ? `${head} + uncommitted changes` : head,
    packages: versions,
  }
}
