/**
 * The code compiler an adapter may provide. Core makes JavaScript source from schemas (response
 * writers, input checks) but never evaluates it itself: where the runtime allows it (Node, Bun),
 * `serve()` hands core a compiler; without one (workerd, `app.request()` in tests) core keeps to
 * closures and Zod. The source is made from schema structure only (key names, enum values and
 * bounds as literals, never request data).
 */

/** Turns a function's parameter names and body source into the function. */
export type CodeCompiler = (parameters: readonly string[], body: string) => (...args: unknown[]) => unknown

let compiler: CodeCompiler | undefined
let generation = 0

/**
 * Lets core compile response writers and input checks (an adapter calls it on a runtime that can
 * evaluate code; `@tandem/node` and `@tandem/bun` do in `serve()`). `undefined` turns them off.
 *
 * @example
 * setCodeCompiler((parameters, body) => new Function(...parameters, body) as (...args: unknown[]) => unknown)
 */
export function setCodeCompiler(next: CodeCompiler | undefined): void {
  if (next === compiler) return
  compiler = next
  generation++
}

/** Changes each time the compiler does (code made for another compiler is made again). */
export function compilerGeneration(): number {
  return generation
}

/** Whether there is a compiler now. */
export function canCompile(): boolean {
  return compiler !== undefined
}

/** The function for `body`, or undefined without a compiler (or when the runtime refuses after all). */
export function compileSource(
  parameters: readonly string[],
  body: string,
): ((...args: unknown[]) => unknown) | undefined {
  if (!compiler) return undefined
  try {
    return compiler(parameters, body)
  } catch {
    return undefined
  }
}

/** How many schema nodes one generated function may write out before generation gives up. */
export const MAX_GENERATED_NODES = 2000
/** Thrown when generation passes `MAX_GENERATED_NODES` (a schema shared many times over). */
export const TOO_BIG: unique symbol = Symbol('too-big')

/**
 * What the generators share: fresh variable names, values the source refers to as `K[i]` (never
 * written as text), a node budget, and a guard for schemas that meet themselves.
 */
export class SourceBuilder<Node extends object> {
  /** The values behind `K[i]`, passed to the compiled function. */
  readonly constants: unknown[] = []
  #names = 0
  #nodes = 0
  readonly #open = new Set<Node>()

  /** A variable name not used before in this function. */
  name(prefix: string): string {
    return `${prefix}${this.#names++}`
  }

  /** How the source refers to `value`. */
  constant(value: unknown): string {
    this.constants.push(value)
    return `K[${this.constants.length - 1}]`
  }

  /** Counts one node written out; throws `TOO_BIG` past the budget. */
  count(): void {
    if (++this.#nodes > MAX_GENERATED_NODES) throw TOO_BIG
  }

  /** `write(node)`, or `cycle()` when `node` is already being written (a recursive schema). */
  guard(node: Node, write: () => string, cycle: () => string): string {
    if (this.#open.has(node)) return cycle()
    this.#open.add(node)
    try {
      return write()
    } finally {
      this.#open.delete(node)
    }
  }
}
