/**
 * Makes every property and method of `native` that `lazy` does not define itself answer from the
 * real object `real(this)` builds (on first use), and chains `lazy` to `native` so `instanceof` and
 * the rest of the prototype hold. The lazy `Request` and the light `Response` share it.
 */
export function answerFromReal(lazy: object, native: object, real: (self: object) => object): void {
  for (const key of Object.getOwnPropertyNames(native)) {
    if (key === 'constructor' || Object.hasOwn(lazy, key)) continue
    const descriptor = Object.getOwnPropertyDescriptor(native, key)!
    if (typeof descriptor.value === 'function') {
      Object.defineProperty(lazy, key, {
        value(this: object, ...args: unknown[]) {
          return (real(this) as Record<string, (...a: unknown[]) => unknown>)[key]!(...args)
        },
        configurable: true,
        writable: true,
      })
    } else if (descriptor.get) {
      Object.defineProperty(lazy, key, {
        get(this: object) {
          return (real(this) as Record<string, unknown>)[key]
        },
        configurable: true,
      })
    }
  }
  Object.setPrototypeOf(lazy, native)
}
