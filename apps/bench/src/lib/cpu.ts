import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

let clockTicks: number | undefined

/** USER_HZ: the unit of /proc/<pid>/stat and /proc/stat times (100 on Linux). */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      clockTicks = 100
    }
  }
  return clockTicks
}

/** utime + stime of a process (all its threads), in ticks; undefined once it has gone. */
export function processTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces), from field 3 (state) on.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(fields[11]) + Number(fields[12])
  } catch {
    return undefined
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
  load: number
  busy: number
  steal: number
}

/**
 * Samples the server's and the load generators' CPU from /proc every `intervalMs` while a run goes on.
 * The window is from the first to the last sample taken while every process was alive, so the
 * start-up and tear-down of wrk stay out of it.
 */
export class CpuSampler {
  private samples: Sample[] = []
  private timer: NodeJS.Timeout | undefined
  private readonly serverPid: number
  private readonly loadPids: number[]

  constructor(serverPid: number, loadPids: number[], intervalMs = 250) {
    this.serverPid = serverPid
    this.loadPids = loadPids
    this.timer = setInterval(() => this.sample(), intervalMs)
  }

  private sample(): void {
    const at = performance.now()
    const server = processTicks(this.serverPid)
    let load = 0
    for (const pid of this.loadPids) {
      const ticks = processTicks(pid)
      if (ticks === undefined) return
      load += ticks
    }
    if (server === undefined) return
    this.samples.push({ at, server, load, ...systemTicks() })
  }

  /**
   * Server CPU, foreign CPU (busy time of neither the server nor wrk) and steal, each in % of one core.
   * Idempotent: a second call returns the same figures.
   */
  stop(): { serverCpu: number; foreignCpu: number; stealCpu: number } {
    clearInterval(this.timer)
    const first = this.samples[0]
    const last = this.samples.at(-1)
    if (first === undefined || last === undefined || last.at - first.at < 100) {
      return { serverCpu: Number.NaN, foreignCpu: Number.NaN, stealCpu: Number.NaN }
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
    }
  }
}
