import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

let clockTicks: number | undefined

/** USER_HZ: the unit of /proc/<pid>/stat and /proc/stat times (100 on Linux). */
export function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      clockTicks = 100
    }
  }
  return clockTicks
}

/** Fields of /proc/<pid>/stat from field 3 (state) on; undefined once the process has gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces and parentheses: the fields start after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return undefined
  }
}

/** The state letter of a process (R, S, Z...), undefined once it has gone. */
export function statState(pid: number): string | undefined {
  return statFields(pid)?.[0]
}

/** utime + stime of a process (all its threads), in ticks; undefined once it has gone. */
export function processTicks(pid: number): number | undefined {
  const fields = statFields(pid)
  return fields && Number(fields[11]) + Number(fields[12])
}

/**
 * The processes below `root` (children, grandchildren...), found by scanning /proc/<pid>/stat for
 * parent ids (this kernel has no /proc/<pid>/task/<tid>/children). Threads are not processes: their
 * CPU is already in their process's utime + stime.
 */
export function descendants(root: number): number[] {
  const parents = new Map<number, number[]>()
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return []
  }
  for (const entry of entries) {
    const pid = Number(entry)
    if (!Number.isInteger(pid)) continue
    const ppid = Number(statFields(pid)?.[1])
    if (!Number.isInteger(ppid)) continue
    const siblings = parents.get(ppid)
    if (siblings) siblings.push(pid)
    else parents.set(ppid, [pid])
  }
  const found: number[] = []
  const queue = [root]
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    for (const child of parents.get(pid) ?? []) {
      found.push(child)
      queue.push(child)
    }
  }
  return found
}

/**
 * A server's CPU as the sum over its process tree: the process the harness started and every process
 * below it (e.g. a supervisor and its event loops), each with all its threads. A process keeps its
 * last ticks in the sum once it has gone, so the sum never goes back; a process that appears counts
 * from its start. For a server of one process this is processTicks(pid).
 */
export class TreeTicks {
  private readonly last = new Map<number, number>()
  private looks = 0
  /** The largest number of processes seen at once. */
  processes = 1

  private readonly root: number

  constructor(root: number) {
    this.root = root
  }

  /** The tree's ticks and the root's own, or undefined once the root has gone. */
  read(): { tree: number; root: number } | undefined {
    const root = processTicks(this.root)
    if (root === undefined) return undefined
    this.last.set(this.root, root)
    // Looking for new processes every 4th read (about once a second) keeps the scan cheap.
    const members = new Set(this.last.keys())
    if (this.looks++ % 4 === 0) for (const pid of descendants(this.root)) members.add(pid)
    let alive = 1
    for (const pid of members) {
      if (pid === this.root) continue
      const ticks = processTicks(pid)
      if (ticks === undefined) continue
      this.last.set(pid, ticks)
      alive++
    }
    this.processes = Math.max(this.processes, alive)
    let tree = 0
    for (const ticks of this.last.values()) tree += ticks
    return { tree, root }
  }
}

/**
 * Ticks of the whole machine (all cores): busy, the time processes ran (user nice system), and steal,
 * the time this virtual machine wanted to run while its host ran another (a noisy neighbour). Interrupt
 * and softirq time is left out: on loopback it is mostly the benchmark's own packets, which the kernel
 * does not charge to the server's or wrk's /proc/<pid>/stat.
 */
export function systemTicks(): { busy: number; steal: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!
  const [user, nice, system, , , , , steal] = line.trim().split(/\s+/).slice(1).map(Number)
  return { busy: user! + nice! + system!, steal: steal ?? 0 }
}

/** Busy and steal CPU of the whole machine over `ms`, each in % of one core: is the machine quiet? */
export async function machineLoad(ms = 1000): Promise<{ busy: number; steal: number }> {
  const before = systemTicks()
  const start = performance.now()
  await new Promise((resolve) => setTimeout(resolve, ms))
  const after = systemTicks()
  const seconds = (performance.now() - start) / 1000
  const pct = (ticks: number) => (ticks / ticksPerSecond() / seconds) * 100
  return { busy: pct(after.busy - before.busy), steal: pct(after.steal - before.steal) }
}

interface Sample {
  at: number
  server: number
  /** The server's first process alone (a supervisor's own CPU, without its loops). */
  root: number
  load: number
  busy: number
  steal: number
}

/** What a sampler measured, each CPU figure in % of one core. */
export interface CpuFigures {
  /** The server's whole process tree. */
  serverCpu: number
  /** Busy time of neither the server nor wrk. */
  foreignCpu: number
  stealCpu: number
  /** The load generators (wrk, the probe). */
  loadCpu: number
  /** The server's first process alone: the supervisor's own CPU when the server has children. */
  rootCpu: number
  /** The most processes the server's tree had at once (1: no children). */
  processes: number
}

/**
 * Samples the server's and the load generators' CPU from /proc every `intervalMs` while a run goes on.
 * The server's CPU is that of its whole process tree (TreeTicks). The window is from the first to the
 * last sample taken while every process was alive, so the start-up and tear-down of wrk stay out of it.
 */
export class CpuSampler {
  private samples: Sample[] = []
  private timer: NodeJS.Timeout | undefined
  private readonly server: TreeTicks
  private readonly loadPids: number[]

  constructor(serverPid: number, loadPids: number[], intervalMs = 250) {
    this.server = new TreeTicks(serverPid)
    this.loadPids = loadPids
    this.timer = setInterval(() => this.sample(), intervalMs)
  }

  private sample(): void {
    const at = performance.now()
    let load = 0
    for (const pid of this.loadPids) {
      const ticks = processTicks(pid)
      if (ticks === undefined) return
      load += ticks
    }
    const server = this.server.read()
    if (server === undefined) return
    this.samples.push({ at, server: server.tree, root: server.root, load, ...systemTicks() })
  }

  /**
   * Server CPU, foreign CPU (busy time of neither the server nor wrk), steal, wrk's CPU and the
   * server's first process's, each in % of one core. Idempotent: a second call returns the same figures.
   */
  stop(): CpuFigures {
    clearInterval(this.timer)
    const first = this.samples[0]
    const last = this.samples.at(-1)
    const processes = this.server.processes
    if (first === undefined || last === undefined || last.at - first.at < 100) {
      const nan = Number.NaN
      return { serverCpu: nan, foreignCpu: nan, stealCpu: nan, loadCpu: nan, rootCpu: nan, processes }
    }
    const seconds = (last.at - first.at) / 1000
    const hz = ticksPerSecond()
    const pct = (ticks: number) => (ticks / hz / seconds) * 100
    const server = last.server - first.server
    const load = last.load - first.load
    const busy = last.busy - first.busy
    const steal = last.steal - first.steal
    return {
      serverCpu: pct(server),
      foreignCpu: Math.max(0, pct(busy - server - load)),
      stealCpu: pct(steal),
      loadCpu: pct(load),
      rootCpu: pct(last.root - first.root),
      processes,
    }
  }
}
