/** A blocking dependency's value, kept on the worker of its request (remote schedulers only). */
export class RemoteValue {
  /** Its clone on the event loop, fetched once: every loop-side consumer of the request shares it. */
  fetched: Promise<unknown> | undefined

  constructor(
    readonly request: number,
    readonly ref: number,
    readonly name: string,
  ) {}
}
