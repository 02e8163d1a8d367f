// The burger shop as its README starts it: `tandem dev` and `tandem run --workers 2`, the real bin
// on Node, answering a blocking order from every loop and stopping on SIGTERM with exit code 0.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { request } from 'node:http'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { freePort } from '@tandem/runtimes'
import { afterEach, describe, expect, it } from 'vitest'

const bin = join(
  dirname(createRequire(import.meta.url).resolve('@tandem/cli/package.json')),
  'dist',
  'cli.js',
)
const shop = join(import.meta.dirname, '..')
const KEY = { 'x-api-key': 'burger-secret', 'content-type': 'application/json' }
const running = new Set<ChildProcess>()

afterEach(() => {
  for (const child of running) child.kill('SIGKILL')
  running.clear()
})

function tandem(args: string[]) {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: shop,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_PATH: '',
      BURGERS_DB: join(mkdtempSync(join(tmpdir(), 'burgers-')), 'orders.sqlite'),
    },
  })
  running.add(child)
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const waitFor = async (text: string) => {
    const deadline = Date.now() + 20_000
    while (!output.includes(text)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no "${text}" in:\n${output}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  return { child, output: () => output, exited, waitFor }
}

/** One request over a connection of its own, so the kernel picks a loop for each. */
function call(url: string, method = 'GET', body?: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false, headers: { ...KEY, connection: 'close' } }, (res) => {
      let text = ''
      res.on('data', (chunk) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('the burger shop under the tandem command', () => {
  it('tandem run --workers 2: two loops take orders in one database, SIGTERM exits 0', async () => {
    const port = await freePort()
    const shopProcess = tandem(['run', 'src/node.ts', '--workers', '2', '--port', String(port)])
    await shopProcess.waitFor('2 event loops')
    const url = `http://127.0.0.1:${port}`
    const order = JSON.stringify({ customer: 'Ann', items: [{ burger: 'cheese', qty: 2 }] })
    const ids: number[] = []
    for (let i = 0; i < 10; i++) {
      const created = await call(`${url}/orders`, 'POST', order)
      expect(created.status).toBe(201)
      ids.push(created.json.id)
    }
    // Every loop reads what every other wrote: one SQLite file, in WAL mode.
    for (const id of ids) expect((await call(`${url}/orders/${id}`)).json.customer).toBe('Ann')
    expect(shopProcess.output()).toMatch(/loop 1\/2: listening on/)
    expect(shopProcess.output()).toMatch(/loop 2\/2: listening on/)
    shopProcess.child.kill('SIGTERM')
    expect(await shopProcess.exited).toBe(0)
  }, 60_000)

  it('tandem routes of the fleet entry lists its routes without connecting to NATS', async () => {
    // The entry creates a NATS scheduler at top level; nothing listens on this port.
    const closed = await freePort()
    const listing = spawn(process.execPath, [bin, 'routes', 'src/fleet-server.ts'], {
      cwd: shop,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_PATH: '', NATS_URL: `nats://127.0.0.1:${closed}` },
    })
    running.add(listing)
    let output = ''
    listing.stdout!.on('data', (chunk) => (output += chunk))
    listing.stderr!.on('data', (chunk) => (output += chunk))
    const code = await new Promise<number | null>((resolve) => listing.once('exit', (c) => resolve(c)))
    expect(output).not.toMatch(/NATS/)
    expect(output).toMatch(/POST\s+\/orders/)
    expect(code).toBe(0)
  })

  it('tandem dev: serves the shop with its docs URL, SIGTERM exits 0', async () => {
    const port = await freePort()
    const dev = tandem(['dev', 'src/node.ts', '--port', String(port)])
    await dev.waitFor(`listening on http://127.0.0.1:${port}`)
    expect(dev.output()).toContain(`http://127.0.0.1:${port}/docs`)
    expect((await call(`http://127.0.0.1:${port}/menu`)).status).toBe(200)
    dev.child.kill('SIGTERM')
    expect(await dev.exited).toBe(0)
  }, 60_000)
})
