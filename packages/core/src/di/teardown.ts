/** One entered yield dependency: its generator, waiting at `yield`. */
interface Exit {
  name: string
  generator: {
    next(): Promise<IteratorResult<unknown>> | IteratorResult<unknown>
    throw(error: unknown): Promise<IteratorResult<unknown>> | IteratorResult<unknown>
    return(value: undefined): Promise<IteratorResult<unknown>> | IteratorResult<unknown>
  }
}

/** A yield dependency swallowed the error thrown into it: the response is a 500, the log names it. */
export class SwallowedError extends Error {
  constructor(name: string, cause: unknown) {
    super(
      `The yield dependency "${name}" caught an error thrown into it at its yield and did not re-raise it, ` +
        'so there is no response to send: answered 500. Re-throw the error (or throw an HTTPException) in its catch block.',
      { cause },
    )
    this.name = 'SwallowedError'
  }
}

/**
 * The entered yield dependencies of one cleanup scope, exited last-in first-out: normally with
 * `next()`, or with the request's error thrown in at the `yield` (`throw(error)`), so a dependency's
 * `try/catch/finally` sees it and may translate it.
 */
export class ExitStack {
  readonly #exits: Exit[] = []

  push(name: string, generator: Exit['generator']): void {
    this.#exits.push({ name, generator })
  }

  get size(): number {
    return this.#exits.length
  }

  /**
   * Exits every dependency, newest first, throwing `error` into each (what the previous one
   * raised, if it raised). Resolves to the error that is left (undefined when all went well).
   */
  async unwind(error: unknown, failed: boolean): Promise<{ failed: boolean; error: unknown }> {
    let current = { failed, error }
    for (let exit = this.#exits.pop(); exit; exit = this.#exits.pop()) {
      current = await exitOne(exit, current)
    }
    return current
  }

  /**
   * Exits every dependency normally, newest first; a cleanup that fails is reported to `onError`
   * with the dependency, and the others still run.
   */
  async close(onError: (name: string, error: unknown) => void): Promise<void> {
    for (let exit = this.#exits.pop(); exit; exit = this.#exits.pop()) {
      const result = await exitOne(exit, { failed: false, error: undefined })
      if (result.failed) onError(exit.name, result.error)
    }
  }
}

async function exitOne(exit: Exit, current: { failed: boolean; error: unknown }) {
  const { name, generator } = exit
  try {
    const step = current.failed ? await generator.throw(current.error) : await generator.next()
    if (!step.done) {
      await generator.return(undefined)
      if (current.failed) return { failed: true, error: new SwallowedError(name, current.error) }
      return {
        failed: true,
        error: new Error(
          `The yield dependency "${name}" yielded more than once; a dependency yields exactly once.`,
        ),
      }
    }
    if (current.failed) return { failed: true, error: new SwallowedError(name, current.error) }
    return current
  } catch (raised) {
    return { failed: true, error: raised }
  }
}
