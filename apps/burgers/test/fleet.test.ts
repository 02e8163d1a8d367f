// `pnpm start:fleet` as a user runs it (scripts/fleet.ts, after the build): nats-server, two
// tandem-nats-worker processes and the server. An order's blocking steps run on a worker process;
// SIGTERM stops every process it started, in order, exit 0; a worker that dies stops the rest, exit 1.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

const shop = join(import.meta.dirname, '..')
const KEY = { 'x-api-key': 'burger-secret', 'content-type': 'application/json' }
/** Generous: a fleet is five Node processes and their threads, on a machine that may be busy. */
const START_DEADLINE = 60_000

interface Fleet {
  child: ChildProcess
  output(): string
  exited: Promise<number | null>
  /** Resolves with the first match of `pattern` in the output; fails after the deadline or if the launcher exits. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>
}

const launched: Fleet[] = []
const pids = new Set<number>()

afterEach(async () => {
  // After a failure half-way: the launcher and every part it started (each in its own process group).
  for (const fleet of launched.splice(0)) {
    if (fleet.child.exitCode === null && fleet.child.signalCode === null) fleet.child.kill('SIGKILL')
  }
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL')
  pids.clear()
})

function startFleet(env: Record<string, string> = {}): Fleet {
  const child = spawn(process.execPath, ['scripts/fleet.ts'], {
    cwd: shop,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_PATH: '',
      BURGERS_DB: join(mkdtempSync(join(tmpdir(), 'burgers-fleet-test-')), 'orders.sqlite'),
      // A free port for each: HTTP (PORT=0) and nats-server (NATS_PORT=0, chosen by nats-server itself).
      PORT: '0',
      NATS_PORT: '0',
      NATS_URL: '', // a NATS_URL in the environment would make it start no nats-server
      POOL_SIZE: '1',
      ...env,
    },
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const fleet: Fleet = {
    child,
    output: () => output,
    exited,
    async waitFor(pattern, ms = START_DEADLINE) {
      const deadline = Date.now() + ms
      for (;;) {
        const match = output.match(pattern)
        if (match) return match
        if (Date.now() > deadline || child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`no ${pattern} in the fleet's output:\n${output}`)
        }
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    },
  }
  launched.push(fleet)
  return fleet
}

/** Whether a process with this PID exists (a zombie counts: it was not reaped). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Starts a fleet and reads the PIDs and the URL its start-up lines give. */
async function ready(fleet: Fleet) {
  await fleet.waitFor(/Ctrl-C stops everything/)
  const nats = Number(fleet.output().match(/\[fleet\] nats-server: nats:\/\/\S+ \(pid (\d+)\)/)?.[1])
  const workers = [1, 2].map((i) =>
    Number(fleet.output().match(new RegExp(`\\[fleet\\] worker ${i}: pid (\\d+)`))?.[1]),
  )
  const [, url, server] = fleet.output().match(/\[fleet\] server: (http:\/\/\S+) \(pid (\d+)/) ?? []
  const all = [nats, ...workers, Number(server)]
  for (const pid of all) pids.add(pid)
  expect(all.every((pid) => Number.isInteger(pid) && pid > 0 && alive(pid))).toBe(true)
  expect(new Set(all).size).toBe(4)
  return { url: url!, nats, workers, server: Number(server), all }
}

describe('pnpm start:fleet: the kitchen on NATS workers', () => {
  it('takes an order whose blocking steps run on a worker process; SIGTERM stops everything, exit 0', async () => {
    const fleet = startFleet()
    const { url, workers, server, all } = await ready(fleet)

    const created = await fetch(`${url}/orders`, {
      method: 'POST',
      headers: KEY,
      body: JSON.stringify({ customer: 'Fleet Ann', items: [{ burger: 'double', qty: 2 }] }),
    })
    expect(created.status).toBe(201)
    const order = await created.json()
    expect(order).toMatchObject({ customer: 'Fleet Ann', total: 24, status: 'received' })
    const cooked = await fetch(`${url}/orders/${order.id}/cook?rounds=1000`, { method: 'POST', headers: KEY })
    expect(cooked.status).toBe(200)
    expect(await cooked.json()).toMatchObject({ id: order.id, status: 'cooked', seal: expect.any(String) })

    // The order's background task (kitchen display) ran where its blocking steps ran: on a worker
    // process, whose lines the launcher prefixes with its name.
    const [, which] = await fleet.waitFor(
      new RegExp(`^(worker \\d) \\| kitchen display: order ${order.id} for Fleet Ann$`, 'm'),
      20_000,
    )
    const worker = workers[Number(which!.slice(-1)) - 1]!
    expect(worker).not.toBe(server)
    expect(fleet.output()).not.toMatch(/^server \| kitchen display/m)

    fleet.child.kill('SIGTERM')
    expect(await fleet.exited).toBe(0)
    for (const pid of all) expect(alive(pid), `pid ${pid} is still there`).toBe(false)
    // In order: the server first (it finishes its requests), then the workers, then nats-server.
    const at = (text: string) => fleet.output().indexOf(text)
    expect(at('[fleet] stopped server')).toBeGreaterThan(-1)
    expect(at('[fleet] stopped worker 1')).toBeGreaterThan(at('[fleet] stopped server'))
    expect(at('[fleet] stopped worker 2')).toBeGreaterThan(at('[fleet] stopped server'))
    expect(at('[fleet] stopped nats-server')).toBeGreaterThan(at('[fleet] stopped worker 1'))
    expect(at('[fleet] stopped nats-server')).toBeGreaterThan(at('[fleet] stopped worker 2'))
    expect(fleet.output()).toContain('[fleet] everything stopped.')
  }, 120_000)

  it('a worker that dies: the launcher says which, stops the rest and exits 1', async () => {
    const fleet = startFleet()
    const { workers, all } = await ready(fleet)
    process.kill(workers[1]!, 'SIGKILL')
    expect(await fleet.exited).toBe(1)
    expect(fleet.output()).toContain(`[fleet] worker 2 (pid ${workers[1]}) exited unexpectedly (SIGKILL)`)
    for (const pid of all) expect(alive(pid), `pid ${pid} is still there`).toBe(false)
  }, 120_000)

  it('without nats-server: one line saying how to install it, exit 1', async () => {
    const fleet = startFleet({ NATS_SERVER: join(shop, 'no-nats-server-here') })
    expect(await fleet.exited).toBe(1)
    expect(fleet.output().trim().split('\n')).toEqual([
      expect.stringContaining('sudo bash tooling/ci/system-deps.sh'),
    ])
  }, 30_000)
})
