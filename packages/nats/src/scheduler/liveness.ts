import { WorkerCrashedError } from '@tandem/core'
import { encode, type ToWorker } from '../wire.ts'
import { pump, send } from './dispatch.ts'
import type { Call, SchedulerState, Worker } from './state.ts'

// Liveness: the scheduler's own heartbeat and discovery, pings to the workers running its calls
// and the reconciliation of their pongs (answers lost with a connection), and the scheduler's
// connection to NATS: workers stale while it is down, taking calls again once they announce
// themselves after the reconnect.

/** Asks every worker on the subject to announce itself now. */
export function discover(state: SchedulerState): void {
  state.nc.publish(`${state.subject}.discover`)
  beat(state)
}

export function beat(state: SchedulerState): void {
  if (!state.connected || state.nc.isClosed()) return
  state.nc.publish(`${state.subject}.shb`, encode({ s: state.id, lostAfter: 10_000 }))
}

/** Asks the worker which of our calls run there; an earlier ping still unanswered is forgotten. */
export function ping(state: SchedulerState, worker: Worker): void {
  for (const call of [...worker.inflight]) if (call.kind === 'ping') state.settle(call)
  worker.pingedAt = Date.now()
  const id = state.nextId++
  const message: ToWorker = { t: 'ping', id, s: state.id }
  const call: Call = {
    id,
    kind: 'ping',
    label: 'a ping',
    message,
    data: encode(message),
    request: undefined,
    resolve: () => {},
    reject: () => {},
    signal: undefined,
    onAbort: undefined,
    worker: undefined,
    binds: false,
    seq: 0,
  }
  send(state, worker, call)
}

/**
 * A worker answered a ping with the calls of ours it is running: a call sent before the ping, not
 * running there and still unanswered in two pongs in a row lost its answer (published while a
 * connection was down). One pong is not proof: a worker's thread publishes its answer on a
 * connection of its own, which nats-server may deliver after the pong, sent on the worker's. A call
 * sent to a thread that the pong says has work is not counted: it waits there, unread.
 */
export function reconcile(
  state: SchedulerState,
  worker: Worker,
  ping: Call,
  running: number[],
  occupied: number[],
): void {
  const still = new Set(running)
  worker.occupied = occupied
  for (const call of [...worker.inflight]) {
    if (call.seq > ping.seq || call.kind === 'ping') continue
    if (still.has(call.id)) {
      call.unlisted = false
      continue
    }
    // Sent to a thread that is busy with other work: it waits there, unread, until that work ends.
    if (call.thread !== undefined && occupied.includes(call.thread)) continue
    if (!call.unlisted) {
      call.unlisted = true
      continue
    }
    // Sent to a thread that has no work and does not list it: if the thread never took it (sent
    // to a thread that died, into its connection not closed yet), the worker answers busy and the
    // call is sent again; if it did, its answer was lost.
    if (call.thread !== undefined && !call.reclaimed) {
      call.reclaimed = true
      state.publishTo(worker.id, {
        t: 'reclaim',
        s: state.id,
        id: call.id,
        thread: call.thread,
        reply: `${state.inbox}.${call.id}`,
      })
      continue
    }
    state.fail(
      call,
      new WorkerCrashedError(
        call.label,
        `its answer from NATS worker ${worker.id} was lost with a connection to NATS; it may have run, and is not run again`,
      ),
    )
  }
}

export function onStatus(state: SchedulerState, type: string): void {
  if (type === 'disconnect') {
    state.connected = false
    for (const worker of state.workers.values()) worker.stale = true
    state.logger.warn(
      `NATS scheduler: lost the connection to NATS; reconnecting. Queued calls wait; calls running on workers ` +
        'keep their answers if they arrive after the reconnect, and fail if they were lost.',
    )
  } else if (type === 'reconnect') {
    state.connected = true
    // Silence while we were cut off says nothing about the workers. Each takes calls again once
    // it announces itself (its subscription is back then; a call sent earlier could find no
    // responders and lose it for nothing), and is asked then for the answers it lost.
    const now = Date.now()
    for (const worker of state.workers.values()) {
      worker.seen = now
      worker.pingedAt = 0
      for (const call of [...worker.inflight]) if (call.kind === 'ping') state.settle(call)
    }
    state.logger.info(`NATS scheduler: reconnected to ${state.serverUrl()}.`)
    discover(state)
    pump(state)
  }
}

/**
 * A stale worker announced itself after our reconnect: a ping asks it which of our calls still
 * run there (the others lost their answers), then the calls held for it go.
 */
export function back(state: SchedulerState, worker: Worker): void {
  worker.stale = false
  if (state.busyWith(worker)) ping(state, worker)
  for (const call of worker.parked.splice(0)) send(state, worker, call)
}
