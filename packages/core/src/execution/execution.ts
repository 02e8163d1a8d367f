import type { DependencyScope } from '../di/dependency.ts'
import type { RequestScope } from '../di/scope.ts'
import { ExitStack } from '../di/teardown.ts'
import { type BlockingFunction, blockingInfo, isBlocking } from './blocking.ts'

/**
 * The one place where async, plain and blocking functions part ways. Plain functions are called
 * directly on the event loop; async ones are awaited; blocking ones go to the scheduler, with the
 * request as affinity key so one request's blocking steps share a worker.
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

/** Calls a handler (or any context function) by its kind; resolves to its result. */
export function callWithContext(fn: Function, ctx: object, scope: RequestScope): unknown {
  if (isBlocking(fn)) {
    const info = blockingInfo(fn as BlockingFunction)
    return scope.runtime.scheduler().run(info, [ctx], { affinity: scope, signal: scope.request.signal })
  }
  return fn(ctx)
}

/**
 * Calls a dependency by its kind. A yield dependency runs to its `yield`; its generator is kept on
 * the exit stack of its cleanup scope and its yielded value returned.
 */
export async function callDependency(
  fn: Function,
  name: string,
  cleanup: DependencyScope,
  ctx: object,
  scope: RequestScope,
): Promise<unknown> {
  const result = await callWithContext(fn, ctx, scope)
  if (!isGeneratorObject(result)) return result
  const step = await result.next()
  if (step.done) {
    throw new Error(
      `The yield dependency "${name}" returned without yielding a value. A yield dependency must yield exactly once.`,
    )
  }
  const stack =
    cleanup === 'function'
      ? (scope.functionExits ??= new ExitStack())
      : (scope.requestExits ??= new ExitStack())
  stack.push(name, result)
  return step.value
}
