import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
const packageDir = join(import.meta.dirname, '..')
export const bin = join(packageDir, 'dist', 'cli.js')

/** Temporary directories, removed by `removeTemporary()`. */
const temporary: string[] = []

export function temporaryDirectory(prefix = 'create-tandem-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  temporary.push(dir)
  return dir
}

export function removeTemporary(): void {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true })
}

/**
 * The environment of a user's shell: without the npm_* variables pnpm sets for the scripts it runs
 * (npm would read their npm_config_* as its own settings, create-tandem its user agent).
 */
export function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name))),
    ...extra,
  }
}

/** Runs the built bin, as `npm create tandem` does, without a terminal. */
export function createTandem(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd,
    env: userEnv(options.env),
    encoding: 'utf8',
    timeout: 30_000,
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

export interface Output {
  code: number | null
  output: string
}

/** Runs a command to its end; fails with its output unless it exits 0. */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number },
): Promise<Output> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, detached: true })
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
    })
    child.stderr.on('data', (chunk) => {
      output += chunk
    })
    const timer = setTimeout(() => {
      stop(child, 'SIGKILL')
      reject(new Error(`${command} ${args.join(' ')} took over ${options.timeout} ms:\n${output}`))
    }, options.timeout ?? 120_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve({ code, output })
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`))
    })
  })
}

/** Signals a child started with `detached: true` and everything it started (its process group, by its id). */
export function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // Already gone.
  }
}

/** A server started with a script of the project (`npm start`), read until it answers. */
export interface Server {
  child: ChildProcess
  output(): string
  /** SIGTERM to its process group; SIGKILL after 10 s. Resolves with its exit code. */
  stop(): Promise<number | null>
}

export function startServer(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Server {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true })
  let output = ''
  child.stdout!.on('data', (chunk) => {
    output += chunk
  })
  child.stderr!.on('data', (chunk) => {
    output += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  return {
    child,
    output: () => output,
    async stop() {
      stop(child, 'SIGTERM')
      const timer = setTimeout(() => stop(child, 'SIGKILL'), 10_000)
      const code = await exited
      clearTimeout(timer)
      return code
    },
  }
}

/** Asks `url` until it answers (or `timeout` ms pass, or the server exits). */
export async function waitForAnswer(server: Server, url: string, timeout = 60_000): Promise<Response> {
  const deadline = Date.now() + timeout
  for (;;) {
    try {
      return await fetch(url)
    } catch (error) {
      if (server.child.exitCode !== null || Date.now() > deadline)
        throw new Error(`${url} did not answer (${error}):\n${server.output()}`)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net')
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

/** A directory holding `bun` and `bunx`, the binaries of the `bun` package (devDependency), for PATH. */
export function bunPath(): string {
  const dir = temporaryDirectory('create-tandem-bun-')
  const binaries = join(dirname(require.resolve('bun/package.json')), 'bin')
  symlinkSync(join(binaries, 'bun.exe'), join(dir, 'bun'))
  symlinkSync(join(binaries, 'bunx.exe'), join(dir, 'bunx'))
  return dir
}

/** The workspace packages a generated project depends on. */
export const TANDEM_PACKAGES = ['core', 'node', 'bun', 'workerd', 'cli'] as const

/**
 * Packs the workspace packages with `pnpm pack` (which rewrites `workspace:` and `catalog:` ranges as
 * publishing does) into `outDir`, in one pnpm run; returns each tarball by package name.
 */
export async function packTandem(outDir: string): Promise<Map<string, string>> {
  mkdirSync(outDir, { recursive: true })
  const manifests = TANDEM_PACKAGES.map(
    (name) => JSON.parse(readFileSync(join(packageDir, '..', name, 'package.json'), 'utf8')) as Manifest,
  )
  const filters = manifests.flatMap((manifest) => ['--filter', manifest.name])
  await run('pnpm', [...filters, 'pack', '--pack-destination', outDir], { cwd: packageDir, timeout: 120_000 })
  const tarballs = new Map<string, string>()
  for (const { name, version } of manifests) {
    const file = join(outDir, `${name.replace('@', '').replace('/', '-')}-${version}.tgz`)
    if (!existsSync(file)) throw new Error(`pnpm pack wrote no ${file}`)
    tarballs.set(name, file)
  }
  return tarballs
}

interface Manifest {
  name: string
  version: string
}
