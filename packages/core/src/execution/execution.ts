import {
  type BlockingFunction,
  type BlockingInfo,
  blockingById,
  blockingInfo,
  isBlocking,
} from './blocking.ts'
import type { CallContext, CallScope, CleanupScope } from './call-scope.ts'
import { RemoteValue } from './remote-value.ts'
import type { RemoteExecution, RemoteResult } from './scheduler.ts'
import { decodeResponse, snapshotContext } from './snapshot.ts'

/**
 * The one place where async, plain and blocking functions part ways. Plain functions are called
 * directly on the event loop; async ones are awaited; blocking ones go to the scheduler. On a thread
 * pool a blocking handler or dependency runs on the request's worker with a rebuilt context, and a
 * blocking dependency's value stays there until a loop-side consumer needs it.
 */

function isGeneratorObject(value: unknown): value is Generator | AsyncGenerator {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Generator).next === 'function' &&
    typeof (value as Generator).throw === 'function' &&
    (Symbol.iterator in value || Symbol.asyncIterator in value)
  )
}

/** Brings values kept on a worker to the event loop, for a loop-side consumer. */
async function materialize(ctx: CallContext, scope: CallScope): Promise<void> {
  const remote = scope.runtime.scheduler().remote
  if (!remote || scope.remoteRequest === undefined) return
  for (const [name, value] of Object.entries(ctx.deps)) {
    if (!(value instanceof RemoteValue)) continue
    try {
      value.fetched ??= remote.fetch(value.request, value.ref)
      ctx.deps[name] = await value.fetched
    } catch (error) {
      throw new TypeError(
        `The value of the blocking dependency "${value.name}" cannot cross from its worker to the event loop ` +
          `(${(error as Error).message}). Use it only in blocking functions (they run on the same worker), ` +
          'or return cloneable data.',
        { cause: error },
      )
    }
  }
}

async function runRemote(
  remote: RemoteExecution,
  info: BlockingInfo,
  ctx: CallContext,
  scope: CallScope,
  keep: boolean,
  label: string,
): Promise<RemoteResult> {
  scope.remoteRequest ??= remote.newRequest()
  const request = scope.remoteRequest
  const snapshot = await snapshotContext(ctx, scope)
  const result = await remote.context(info, request, snapshot, {
    keep,
    yields: info.generator,
    signal: scope.request.signal,
    label,
  })
  const effects = result.effects
  if (effects) {
    if (effects.status !== undefined) scope.response.status = effects.status
    for (const [name, value] of effects.headers ?? []) {
      if (name === 'set-cookie') scope.response.headers.append(name, value)
      else scope.response.headers.set(name, value)
    }
    for (const task of effects.tasks ?? []) {
      if ('fn' in task) scope.background.add(blockingById(task.fn)!, ...task.args)
      else {
        const run = () => remote.task(request, task.local)
        Object.defineProperty(run, 'name', { value: task.name })
        scope.background.add(run)
      }
    }
  }
  return result
}

/** Calls a handler by its kind; its result, or a promise of it. */
export function callHandler(fn: Function, ctx: CallContext, scope: CallScope): unknown {
  if (isBlocking(fn)) return callBlockingHandler(fn as BlockingFunction, ctx, scope)
  return callOnLoop(fn, ctx, scope)
}

/** Calls a loop-side function, first bringing over any values its deps keep on a worker. */
function callOnLoop(fn: Function, ctx: CallContext, scope: CallScope): unknown {
  if (scope.remoteRequest === undefined) return fn(ctx)
  return materialize(ctx, scope).then(() => fn(ctx))
}

async function callBlockingHandler(
  fn: BlockingFunction,
  ctx: CallContext,
  scope: CallScope,
): Promise<unknown> {
  const info = blockingInfo(fn)
  const scheduler = scope.runtime.scheduler()
  if (scheduler.remote) {
    const label = `the blocking handler of ${scope.label}`
    const result = await runRemote(scheduler.remote, info, ctx, scope, false, label)
    return decodeResponse(result.value)
  }
  return scheduler.run(info, [ctx], { signal: scope.request.signal })
}

/**
 * Calls a dependency by its kind. A yield dependency runs to its `yield`; its generator (or, on a
 * worker, a handle to it) is kept on the exit stack of its cleanup scope and its yielded value returned.
 */
export async function callDependency(
  fn: Function,
  name: string,
  cleanup: CleanupScope,
  ctx: CallContext,
  scope: CallScope,
  yields: boolean,
): Promise<unknown> {
  const remote = isBlocking(fn) ? scope.runtime.scheduler().remote : undefined
  if (remote) {
    const info = blockingInfo(fn as BlockingFunction)
    const result = await runRemote(
      remote,
      info,
      ctx,
      scope,
      true,
      `blocking dependency "${name}" of ${scope.label}`,
    )
    const request = scope.remoteRequest!
    if (result.exit !== undefined) {
      const exit = result.exit
      const done = (outcome: 'done' | 'yielded') => ({ done: outcome === 'done', value: undefined })
      scope.pushExit(cleanup, name, {
        next: () => remote.exit(request, exit).then(done),
        throw: (error) => remote.exit(request, exit, { error }).then(done),
        return: async () => ({ done: true, value: undefined }),
      })
    }
    return new RemoteValue(request, result.ref!, name)
  }
  const result = isBlocking(fn)
    ? await scope.runtime
        .scheduler()
        .run(blockingInfo(fn as BlockingFunction), [ctx], { signal: scope.request.signal })
    : await callOnLoop(fn, ctx, scope)
  // A yield dependency by its kind, as FastAPI: a plain or async function returning a generator
  // object gives that object as its value.
  if (!yields || !isGeneratorObject(result)) return result
  const step = await result.next()
  if (step.done) {
    throw new Error(
      `The yield dependency "${name}" returned without yielding a value. A yield dependency must yield exactly once.`,
    )
  }
  scope.pushExit(cleanup, name, result)
  return step.value
}
