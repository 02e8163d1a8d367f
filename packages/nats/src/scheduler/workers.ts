import type { Msg } from '@nats-io/transport-node'
import { WorkerCrashedError } from '@tandem/core'
import { decode, type Heartbeat } from '../wire.ts'
import { abortSent, pump } from './dispatch.ts'
import { NoWorkersError } from './errors.ts'
import { back, beat, ping } from './liveness.ts'
import type { SchedulerState, Worker } from './state.ts'

// The worker table: workers join and leave it by their heartbeats (compatible ones by key; the
// others only counted), a worker silent too long or gone from NATS is lost with its calls and
// requests, and the tick (every 500 ms) looks for lost workers, pings the busy ones and fails the
// queue after a grace period without any worker taking calls.

/** How long queued calls wait for a compatible worker when none takes calls (all lost or draining). */
const NO_WORKERS_GRACE = 5000

export function onHeartbeat(state: SchedulerState, msg: Msg): void {
  let heartbeat: Heartbeat
  try {
    heartbeat = decode<Heartbeat>(msg.data)
  } catch {
    return // a worker of another runtime: its heartbeat is unreadable here, and so would its answers be
  }
  const known = state.workers.get(heartbeat.id)
  if (heartbeat.bye) {
    state.others.delete(heartbeat.id)
    if (known) lose(state, known, 'it stopped')
    return
  }
  if (heartbeat.key !== state.compatibilityKey()) {
    state.others.set(heartbeat.id, Date.now())
    return
  }
  if (known) {
    known.heartbeat = heartbeat
    known.seen = Date.now()
    known.threadsGone.clear()
    if (heartbeat.busy + heartbeat.queued < heartbeat.capacity) known.retryAt = 0
    if (known.stale && state.connected) back(state, known)
  } else {
    state.workers.set(heartbeat.id, {
      id: heartbeat.id,
      heartbeat,
      seen: Date.now(),
      inflight: new Set(),
      held: 0,
      retryAt: 0,
      pingedAt: 0,
      stale: false,
      parked: [],
      threadsGone: new Set(),
      occupied: [],
      bound: 0,
    })
    for (const waiter of [...state.waiters]) waiter()
  }
  pump(state)
}

/**
 * A worker is gone: the calls it had fail (they may have run: never run twice; those it had not
 * started are aborted there, should it come back), and the requests whose values it kept are lost
 * (their later steps fail at once).
 */
export function lose(state: SchedulerState, worker: Worker, reason: string): void {
  if (state.workers.get(worker.id) !== worker) return
  state.workers.delete(worker.id)
  const calls = [...worker.inflight, ...worker.parked.splice(0)]
  for (const [request, holder] of state.requests) {
    if (holder !== worker) continue
    state.unbind(request)
    state.lost.set(request, worker.id)
  }
  const failing = calls.filter((call) => call.kind !== 'ping')
  if (failing.length > 0) {
    state.logger.error(
      `NATS worker ${worker.id} (${worker.heartbeat.host} pid ${worker.heartbeat.pid}) was lost: ${reason}. ` +
        `${failing.length} call(s) on it failed.`,
    )
  }
  for (const call of calls) {
    // Sent to it and not answered: if the worker was only frozen or cut off, it may come back and
    // read the call then; told to abort it too, it does not start it (a call that started runs on).
    if (call.worker === worker && call.kind !== 'ping') abortSent(state, worker, call)
    state.settle(call)
    if (call.kind === 'ping') continue
    state.fail(
      call,
      new WorkerCrashedError(call.label, `NATS worker ${worker.id} on ${worker.heartbeat.host}: ${reason}`),
    )
  }
  pump(state)
}

export function tick(state: SchedulerState): void {
  if (!state.connected) return
  const now = Date.now()
  beat(state)
  for (const worker of [...state.workers.values()]) {
    const lostAfter = state.lostAfter ?? 3 * worker.heartbeat.every
    if (now - worker.seen > lostAfter) {
      lose(state, worker, `no heartbeat for ${now - worker.seen} ms (stopped, frozen or cut off)`)
      continue
    }
    // A worker killed outright leaves no heartbeat to miss at once, but its subject answers
    // "no responders" now: a ping finds it within a tick. Only workers with calls of ours are
    // pinged. A ping unanswered for a second is sent again: it may have gone down with the
    // worker's connection (the worker killed as it arrived), which no one answers.
    if (!worker.stale && (worker.pingedAt === 0 || now - worker.pingedAt > 1000) && state.busyWith(worker)) {
      ping(state, worker)
    }
  }
  for (const [id, seen] of state.others) if (now - seen > 5000) state.others.delete(id)
  failWithoutWorkers(state, now)
}

/**
 * Queued calls wait while no compatible worker takes calls (all lost, or draining) for a grace
 * period, in which a restarted worker comes back; past it they fail with 503, not wait forever.
 */
function failWithoutWorkers(state: SchedulerState, now: number): void {
  const serving = state.compatible().some((worker) => !worker.heartbeat.draining)
  if (serving || state.queue.length === 0) {
    state.noWorkersSince = 0
    return
  }
  if (state.noWorkersSince === 0) state.noWorkersSince = now
  if (now - state.noWorkersSince < NO_WORKERS_GRACE) return
  for (const call of state.queue.splice(0)) {
    state.fail(call, new NoWorkersError(call.label, state.subject, state.others.size))
  }
  state.noWorkersSince = 0
  pump(state)
}
