// The install test: what a user gets from the registry. Packs every publishable package (the
// release's packing, tooling/release/stage.ts), creates a project outside the workspace, installs
// the tarballs there with npm plus zod and hono from the registry (their current versions), then
// serves the app of ../app on Node (a blocking handler on the worker pool), on Bun and, bundled with
// esbuild, under `workerd serve`, and type-checks it with `tsc --strict`, `app.use(cors())` included.
import { type ChildProcess, spawn } from 'node:child_process'
import {
  cpSync,
  existsSync,
  globSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { type PackedPackage, packPackages } from '@tandem/release/stage'
import { formatSize } from '@tandem/release/tarball'
import { publishablePackages, repositoryRoot } from '@tandem/release/workspace'
import { type RuntimeProcess, startProcess, startWorkerd } from '@tandem/runtimes'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const require = createRequire(import.meta.url)
const appDir = join(import.meta.dirname, '..', 'app')

let tarballDir = ''
let project = ''
let tarballs: PackedPackage[] = []
const running = new Set<RuntimeProcess>()
const log = (line: string) => console.log(`[install-test] ${line}`)

/**
 * The environment of a user's shell: without the npm_* variables pnpm sets for its scripts (a
 * user's own NPM_CONFIG_* stay). Under turbo, only the variables turbo.json passes through reach
 * this test: the registry's proxy and certificate variables are among them.
 */
function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_')))
}

const children = new Set<ChildProcess>()

/**
 * Runs a command in the project; resolves to its exit code and output. Past `timeout` ms it is
 * killed (by its PID) and the promise rejects with what it printed.
 */
function exec(
  command: string,
  args: string[],
  timeout = 180_000,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: project, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
    children.add(child)
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    const timer = setTimeout(() => {
      if (child.pid) process.kill(child.pid, 'SIGKILL')
      reject(new Error(`\`${command} ${args.join(' ')}\` did not finish in ${timeout / 1000} s:\n${output}`))
    }, timeout)
    child.once('error', reject)
    child.once('close', (code) => {
      clearTimeout(timer)
      children.delete(child)
      resolve({ code, output })
    })
  })
}

/** The installed copies of a package in the project: `node_modules/.../<name>` with their versions. */
function copiesOf(name: string): { path: string; version: string }[] {
  return globSync(
    [`node_modules/${name}/package.json`, `node_modules/**/node_modules/${name}/package.json`],
    {
      cwd: project,
    },
  )
    .sort()
    .map((file) => ({
      path: dirname(file),
      version: JSON.parse(readFileSync(join(project, file), 'utf8')).version,
    }))
}

interface TscError {
  file: string
  line: number
  /** The error with its explanation (the indented lines under it). */
  text: string
}

/** tsc's errors: `file(line,col): error TSn: message`, each with the indented lines that follow it. */
function tscErrors(output: string): TscError[] {
  const errors: TscError[] = []
  for (const line of output.split('\n')) {
    const match = /^(\S[^(]*)\((\d+),\d+\): error TS\d+/.exec(line)
    if (match) errors.push({ file: match[1]!, line: Number(match[2]), text: line })
    else if (errors.length > 0 && /^\s/.test(line)) errors[errors.length - 1]!.text += `\n${line}`
  }
  return errors
}

/** A version pinned in the workspace's catalog (pnpm-workspace.yaml). */
function catalogVersion(name: string): string {
  const text = readFileSync(join(repositoryRoot, 'pnpm-workspace.yaml'), 'utf8')
  const match = new RegExp(`^\\s+['"]?${name.replace(/[/@]/g, '\\$&')}['"]?:\\s*(\\S+)`, 'm').exec(text)
  if (!match) throw new Error(`${name} is not in the catalog of pnpm-workspace.yaml`)
  return match[1]!
}

async function get(server: RuntimeProcess, path: string, init?: RequestInit) {
  const response = await fetch(`${server.url}${path}`, { ...init, signal: AbortSignal.timeout(10_000) })
  const text = await response.text()
  let body: any = text
  try {
    body = JSON.parse(text)
  } catch {}
  return { status: response.status, headers: response.headers, body }
}

/** Starts a server, runs `check` on it and stops it, with its output in the message if anything fails. */
async function serving(
  start: () => Promise<RuntimeProcess>,
  check: (server: RuntimeProcess) => Promise<void>,
) {
  const server = await start()
  running.add(server)
  try {
    await check(server)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new Error(`${message}\n--- ${server.runtime} printed:\n${server.output().trim()}`, { cause: error })
  } finally {
    running.delete(server)
    const code = await server.stop()
    if (server.runtime !== 'workerd') expect(code, `${server.runtime} exit code after SIGTERM`).toBe(0)
  }
}

/** What every runtime answers alike. */
async function checkCommonRoutes(server: RuntimeProcess): Promise<void> {
  const hello = await get(server, '/hello/tandem', { headers: { origin: 'https://example.com' } })
  expect(hello.status, 'GET /hello/tandem').toBe(200)
  expect(hello.body).toEqual({ message: 'Hello, tandem!' })
  expect(hello.headers.get('access-control-allow-origin'), 'the CORS header of hono/cors').toBe('*')

  const fibonacci = await get(server, '/fibonacci/25')
  expect(fibonacci.status, 'GET /fibonacci/25 (a blocking handler)').toBe(200)
  expect(fibonacci.body).toEqual({ n: 25, value: 75025 })

  const invalid = await get(server, '/fibonacci/many')
  expect(invalid.status, 'GET /fibonacci/many (Zod validation)').toBe(422)
  expect(invalid.body.detail[0].loc).toEqual(['path', 'n'])
}

/**
 * Every publishable package must be a devDependency of this package: that is what makes turbo build
 * it before this test (`^build`), so that its tarball holds a fresh dist/.
 */
function assertEveryPackageIsADependency(): void {
  const own = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'))
  const missing = publishablePackages(repositoryRoot).filter((pkg) => !own.devDependencies?.[pkg.name])
  if (missing.length > 0) {
    const lines = missing.map((pkg) => `"${pkg.name}": "workspace:*"`).join(', ')
    throw new Error(
      `${missing.map((pkg) => pkg.path).join(', ')}: published but not devDependencies of ` +
        `@tandem/install-test, so turbo may not have built them before this test. Add ${lines} to ` +
        'the devDependencies of tooling/install-test/package.json (then pnpm install).',
    )
  }
}

beforeAll(async () => {
  const started = Date.now()
  assertEveryPackageIsADependency()
  tarballDir = mkdtempSync(join(tmpdir(), 'tandem-install-tarballs-'))
  tarballs = await packPackages(repositoryRoot, tarballDir)
  const problems = tarballs.flatMap((t) => t.problems.map((problem) => `${t.name}: ${problem}`))
  if (problems.length > 0) throw new Error(`the packed packages are not installable:\n${problems.join('\n')}`)
  for (const t of tarballs) log(`packed ${t.name}@${t.version}: ${formatSize(t.packedSize)}`)

  project = realpathSync(mkdtempSync(join(tmpdir(), 'tandem-install-app-')))
  if (!relative(repositoryRoot, project).startsWith('..'))
    throw new Error(`${project} is inside the workspace`)
  cpSync(appDir, project, { recursive: true })
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'tandem-install-test-app', private: true, type: 'module' }, null, 2)}\n`,
  )
  // The tarballs, the peers at their current versions, and the type packages a TypeScript user adds
  // (at the workspace's versions, so a new @types release does not change what is tested).
  const packages = [
    ...tarballs.map((t) => t.file),
    'zod',
    'hono',
    `@types/node@${catalogVersion('@types/node')}`,
    `@types/bun@${catalogVersion('@types/bun')}`,
  ]
  // One retry, quickly: a registry that cannot be reached (a proxy or a certificate authority
  // missing from the environment) fails with npm's reason rather than after minutes of retries.
  const retries = ['--fetch-retries=1', '--fetch-retry-mintimeout=2000', '--fetch-retry-maxtimeout=10000']
  const npm = await exec(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=http', ...retries, ...packages],
    200_000,
  )
  if (npm.code !== 0) {
    const failed = npm.output.split('\n').filter((line) => !/^npm http fetch GET 200 /.test(line))
    throw new Error(`npm install failed (exit code ${npm.code}):\n${failed.join('\n').trim()}`)
  }
  const installed = (name: string) =>
    copiesOf(name)
      .map((copy) => copy.version)
      .join(' and ')
  log(`npm installed the tarballs with zod ${installed('zod')} and hono ${installed('hono')}`)
  log(`project ready in ${project} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
}, 240_000)

afterAll(async () => {
  for (const child of children) if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGKILL')
  for (const server of running) await server.stop('SIGKILL')
  if (project) rmSync(project, { recursive: true, force: true })
  if (tarballDir) rmSync(tarballDir, { recursive: true, force: true })
})

describe('installed from tarballs with npm, outside the workspace', () => {
  test('one copy of hono and of zod: the app and every @tandem package share them', () => {
    for (const name of ['hono', 'zod']) {
      const copies = copiesOf(name)
      const list = copies.map((copy) => `${copy.path} (${copy.version})`).join(', ')
      expect(
        copies.length,
        `${copies.length} copies of ${name}: ${list}. A package that depends on ${name} itself gets its own ` +
          `copy when its range excludes the app's version; ${name} must be a peer dependency of the @tandem packages.`,
      ).toBe(1)
    }
  })

  test('tsc --strict type-checks the app, app.use(cors()) included', async () => {
    const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc')
    const args = [tsc, '-p', 'tsconfig.json', '--strict', '--noEmit']
    const { code, output } = await exec(process.execPath, args, 110_000)
    if (code === 0) return
    // skipLibCheck is off, so that the declaration files of the @tandem packages are checked too; the
    // errors of other packages' declarations (bun-types against @types/node) are not this test's.
    const errors = tscErrors(output)
    const ours = errors.filter(
      (error) =>
        !error.file.startsWith('node_modules/') ||
        /^node_modules\/(@tandem\/|create-tandem\/)/.test(error.file),
    )
    const others = errors.filter((error) => !ours.includes(error))
    if (others.length > 0)
      log(
        `tsc: ${others.length} error(s) in other packages' declarations, not counted:\n${others.map((e) => e.text).join('\n')}`,
      )
    if (ours.length === 0) return
    const corsLine =
      readFileSync(join(project, 'app.ts'), 'utf8')
        .split('\n')
        .findIndex((line) => line.includes('app.use(cors())')) + 1
    const honos = copiesOf('hono')
    const known =
      honos.length > 1 && ours.every((error) => error.file === 'app.ts' && error.line === corsLine)
        ? `\nKNOWN CAUSE: only app.use(cors()) (app.ts:${corsLine}) fails, because npm installed ${honos.length} ` +
          `copies of hono (${honos.map((h) => `${h.path} ${h.version}`).join(', ')}): cors() is typed by the ` +
          "app's hono, App.use() by @tandem/core's own. It passes once hono is a peer dependency of @tandem/core."
        : ''
    throw new Error(`tsc --strict: ${ours.length} error(s):\n${ours.map((e) => e.text).join('\n')}${known}`)
  })

  test('node: answers over HTTP, the blocking handler on a worker thread', async () => {
    await serving(
      () => startProcess('node', join(project, 'node.ts')),
      async (server) => {
        await checkCommonRoutes(server)
        const thread = await get(server, '/thread')
        expect(thread.status, 'GET /thread').toBe(200)
        expect(thread.body.isMainThread, 'the blocking handler ran on the main thread').toBe(false)
        expect(thread.body.threadId).toBeGreaterThan(0)
      },
    )
  })

  test('bun: answers over HTTP, the blocking handler on a worker', async () => {
    await serving(
      () => startProcess('bun', join(project, 'bun.ts')),
      async (server) => {
        await checkCommonRoutes(server)
        const thread = await get(server, '/thread')
        expect(thread.status, 'GET /thread').toBe(200)
        expect(thread.body.isMainThread, 'the blocking handler ran on the main thread').toBe(false)
        expect(thread.body.bun).toMatch(/^\d+\.\d+\.\d+/)
      },
    )
  })

  test('workerd: bundled with esbuild, answers under workerd serve', async () => {
    await serving(
      () => startWorkerd(join(project, 'worker.ts')),
      async (server) => {
        await checkCommonRoutes(server)
        const runtime = await get(server, '/runtime')
        expect(runtime.body).toEqual({ workerd: true })
      },
    )
  })

  test('the tandem command of @tandem/cli runs from the tarball', async () => {
    const bin = join(project, 'node_modules', '.bin', 'tandem')
    expect(existsSync(bin), 'node_modules/.bin/tandem').toBe(true)
    const { code, output } = await exec(bin, ['routes'], 60_000)
    expect(code, `tandem routes (app.ts):\n${output}`).toBe(0)
    expect(output).toMatch(/GET\s+\/fibonacci\/:n\s+blocking/)
  })
})
