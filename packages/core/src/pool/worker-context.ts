import { BackgroundTasks } from '../background.ts'
import { blockingInfo, isBlocking } from '../execution/blocking.ts'
import { type ContextEffects, type ContextSnapshot, REF } from '../execution/scheduler.ts'
import { decodeForm } from '../execution/snapshot.ts'
import { ResponseState } from '../response-state.ts'

/** What a worker keeps for one request until the main side releases it. */
export interface RequestState {
  values: Map<number, unknown>
  exits: Map<number, Generator | AsyncGenerator>
  tasks: Map<number, { fn: Function; args: unknown[] }>
  next: number
}

/** The context a blocking handler or dependency sees on a worker, rebuilt from its snapshot. */
export class WorkerContext {
  readonly params: unknown
  readonly query: unknown
  readonly headers: unknown
  readonly cookies: unknown
  readonly body: unknown
  readonly form: unknown
  readonly deps: Record<string, unknown>
  readonly scopes: string[]
  readonly signal: AbortSignal
  readonly response = new ResponseState()
  readonly env = undefined
  readonly #snapshot: ContextSnapshot
  readonly #state: RequestState
  readonly #tasks: NonNullable<ContextEffects['tasks']> = []
  #request: Request | undefined
  #background: BackgroundTasks | undefined

  readonly #appState: () => unknown

  constructor(
    snapshot: ContextSnapshot,
    state: RequestState,
    signal: AbortSignal | undefined,
    appState: () => unknown,
  ) {
    this.#snapshot = snapshot
    this.#state = state
    this.#appState = appState
    this.params = snapshot.params
    this.query = snapshot.query
    this.headers = snapshot.headers
    this.cookies = snapshot.cookies
    this.body = snapshot.body
    this.form = decodeForm(snapshot.form)
    this.scopes = snapshot.scopes
    this.signal = signal ?? new AbortController().signal
    this.deps = {}
    for (const [name, value] of Object.entries(snapshot.deps)) {
      const ref =
        value !== null && typeof value === 'object' && REF in value
          ? (value as Record<string, number>)[REF]
          : undefined
      this.deps[name] = ref === undefined ? value : state.values.get(ref)
    }
  }

  /** The request, rebuilt from its URL, method, headers and body. */
  get request(): Request {
    const r = this.#snapshot.request
    this.#request ??= new Request(r.url, {
      method: r.method,
      headers: r.headers,
      body: r.method === 'GET' || r.method === 'HEAD' ? null : r.body,
    })
    return this.#request
  }

  /** The app's lifespan state on this worker. */
  get state(): unknown {
    return this.#appState()
  }

  /** Tasks added here run after the response, as on the loop: blocking ones on the pool, others on this worker. */
  get background(): BackgroundTasks {
    if (!this.#background) {
      const tasks = this.#tasks
      const state = this.#state
      const background = new BackgroundTasks('a blocking function')
      background.add = <A extends unknown[]>(fn: (...args: A) => unknown, ...args: A) => {
        if (isBlocking(fn)) tasks.push({ fn: blockingInfo(fn).id, args })
        else {
          const local = state.next++
          state.tasks.set(local, { fn, args })
          tasks.push({ local, name: fn.name || 'anonymous' })
        }
      }
      this.#background = background
    }
    return this.#background
  }

  /** What the call did to the response (status, headers, cookies) and the tasks it added; `undefined` if nothing. */
  effects(): ContextEffects | undefined {
    const response = this.response
    if (response.status === undefined && !response.touched && this.#tasks.length === 0) return undefined
    const effects: ContextEffects = {}
    if (response.status !== undefined) effects.status = response.status
    if (response.touched) {
      const headers: [string, string][] = []
      for (const [name, value] of response.headers) if (name !== 'set-cookie') headers.push([name, value])
      for (const cookie of response.headers.getSetCookie()) headers.push(['set-cookie', cookie])
      effects.headers = headers
    }
    if (this.#tasks.length > 0) effects.tasks = this.#tasks
    return effects
  }
}
