import { requestStorage } from './request-storage.ts'
import type { BlockingInfo } from './scheduler.ts'
import { currentScheduler } from './scheduler-registry.ts'

/** The brand a `blocking()` function carries: what the scheduler needs to find it in a worker. */
export const BLOCKING = Symbol.for('tandem.blocking')

export type { BlockingInfo }

/**
 * A function declared `blocking(fn)`: called from async code it runs `fn` on the scheduler's pool and
 * returns a promise of its result; declared as a handler or dependency, the framework does the same.
 */
export interface BlockingFunction<A extends unknown[] = any[], R = unknown> {
  (...args: A): Promise<Awaited<R>>
  readonly [BLOCKING]: BlockingInfo
}

const registry: BlockingInfo[] = []
const wrappers: BlockingFunction[] = []
let sealed: string | undefined

/**
 * Declares a function blocking: CPU-bound or synchronous I/O work that must not run on the event
 * loop. It runs on the worker pool of the runtime's scheduler (inline on workerd and in plain tests).
 * Call it at module top level, so pool workers that load the same module find the same functions.
 *
 * @example
 * import { blocking } from '@tandem/core'
 * import { pbkdf2Sync } from 'node:crypto'
 *
 * export const hash = blocking((password: string) => pbkdf2Sync(password, 'salt', 100_000, 32, 'sha256'))
 * app.post('/login', { body: Login }, async ({ body }) => ({ hash: (await hash(body.password)).toString('hex') }))
 * app.post('/burgers', { body: BurgerIn }, blocking(({ body }) => cook(body)))
 */
export function blocking<A extends unknown[], R>(fn: (...args: A) => R): BlockingFunction<A, R> {
  if (typeof fn !== 'function') {
    throw new TypeError(`blocking() takes a function, got ${typeof fn}.`)
  }
  if (isBlocking(fn)) return fn as unknown as BlockingFunction<A, R>
  if (sealed !== undefined) {
    throw new Error(
      `blocking(${fn.name || 'anonymous'}) was called after ${sealed} started: pool workers could not find it. ` +
        'Call blocking() at module top level, before serve() or the first request.',
    )
  }
  const info: BlockingInfo = {
    id: registry.length,
    name: fn.name || `blocking#${registry.length}`,
    fn,
    generator: isGeneratorFunction(fn),
  }
  registry.push(info)
  const wrapper = ((...args: A) => {
    const request = (requestStorage()?.getStore() as { remoteRequest?: number } | undefined)?.remoteRequest
    return currentScheduler().run(info, args, request === undefined ? {} : { request })
  }) as BlockingFunction<A, R>
  Object.defineProperty(wrapper, BLOCKING, { value: info })
  Object.defineProperty(wrapper, 'name', { value: info.name })
  wrappers.push(wrapper)
  return wrapper
}

/** True for a function made by `blocking()`. */
export function isBlocking(fn: unknown): fn is BlockingFunction {
  return typeof fn === 'function' && BLOCKING in fn
}

/** The record of a `blocking()` function. */
export function blockingInfo(fn: BlockingFunction): BlockingInfo {
  return fn[BLOCKING]
}

/** The `blocking()` function registered under `id` (as a worker names it). */
export function blockingById(id: number): BlockingFunction | undefined {
  return wrappers[id]
}

/** Every blocking function registered so far, in registration order (for schedulers). */
export function blockingRegistry(): readonly BlockingInfo[] {
  return registry
}

/**
 * A fingerprint of the registered blocking functions (their order and names). Schedulers compare
 * the main side's with each worker's and refuse to start when they differ.
 */
export function blockingFingerprint(): string[] {
  return registry.map((info) => `${info.id}:${info.name}${info.generator ? '*' : ''}`)
}

/** Forbids further `blocking()` calls: schedulers call this once their workers have started. */
export function sealBlockingRegistry(who: string): void {
  sealed ??= who
}

/** True for generator and async generator functions. */
export function isGeneratorFunction(fn: Function): boolean {
  const name = fn.constructor?.name
  return name === 'GeneratorFunction' || name === 'AsyncGeneratorFunction'
}
