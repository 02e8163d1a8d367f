import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'

/** A running `workerd serve` process with one worker, for runtime tests. */
export interface WorkerdProcess {
  url: string
  output: () => string
  stop: () => Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/**
 * Bundles `entry` (an ES module whose default export is a fetch handler) with esbuild and serves it
 * with the real `workerd` binary on a free loopback port. Resolves once the port answers.
 */
export async function startWorkerd(
  entry: string,
  options: { compatibilityDate?: string; bindings?: Record<string, string> } = {},
) {
  const dir = await mkdtemp(join(tmpdir(), 'tandem-workerd-'))
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'import'],
    outfile: join(dir, 'worker.js'),
    logLevel: 'error',
  })
  const port = await freePort()
  const config = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "worker.js") ],
  compatibilityDate = "${options.compatibilityDate ?? '2026-10-01'}",
  compatibilityFlags = ["nodejs_compat"],
  bindings = [${Object.entries(options.bindings ?? {})
    .map(([name, text]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(text)})`)
    .join(', ')}],
);
`
  await writeFile(join(dir, 'config.capnp'), config)
  const binary = join(import.meta.dirname, '..', 'node_modules', '.bin', 'workerd')
  const child: ChildProcess = spawn(binary, ['serve', 'config.capnp', '--verbose'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk) => {
    output += chunk
  })
  child.stderr?.on('data', (chunk) => {
    output += chunk
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM')
    await exited
    await rm(dir, { recursive: true, force: true })
  }
  const deadline = Date.now() + 15_000
  for (;;) {
    if (child.exitCode !== null) {
      await stop()
      throw new Error(`workerd exited with code ${child.exitCode} before listening:\n${output}`)
    }
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) })
      break
    } catch {
      if (Date.now() > deadline) {
        await stop()
        throw new Error(`workerd did not answer on ${url} within 15 s:\n${output}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  return { url, output: () => output, stop } satisfies WorkerdProcess
}
