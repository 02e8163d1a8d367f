type LifespanGenerator<State> = AsyncGenerator<State, void, unknown> | Generator<State, void, unknown>

/** Runs an app's lifespan generator: startup once (to its yield), teardown once (after it). */
export class Lifespan<State> {
  readonly #factory: (() => LifespanGenerator<State>) | undefined
  readonly #logger: { error(message: string, error?: unknown): void }
  #generator: LifespanGenerator<State> | undefined
  #starting: Promise<void> | undefined
  #ready: boolean
  state: State | undefined

  constructor(
    factory: (() => LifespanGenerator<State>) | undefined,
    logger: { error(message: string, error?: unknown): void },
  ) {
    this.#factory = factory
    this.#logger = logger
    this.#ready = factory === undefined
  }

  /** True once startup has run (always true without a lifespan). */
  get ready(): boolean {
    return this.#ready
  }

  start(): Promise<void> {
    this.#starting ??= this.#start().catch((error) => {
      this.#starting = undefined
      throw error
    })
    return this.#starting
  }

  async #start(): Promise<void> {
    if (!this.#factory) return
    const generator = this.#factory()
    const step = await generator.next()
    if (step.done) {
      throw new Error('The lifespan returned without yielding: it must yield once (the state, or undefined).')
    }
    this.#generator = generator
    this.state = step.value
    this.#ready = true
  }

  async close(): Promise<void> {
    if (this.#starting) await this.#starting.catch(() => {})
    const generator = this.#generator
    this.#generator = undefined
    if (!generator) return
    try {
      const step = await generator.next()
      if (!step.done) {
        await generator.return(undefined)
        this.#logger.error('The lifespan yielded more than once; it must yield exactly once.')
      }
    } catch (error) {
      this.#logger.error('The lifespan teardown failed', error)
    }
  }
}
