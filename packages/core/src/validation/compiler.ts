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
