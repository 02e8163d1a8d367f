const TRANSFER = Symbol.for('tandem.transfer')

type Marked<T> = { [TRANSFER]: { value: T; list: Transferable[] } }

/**
 * Marks a blocking function's result to be moved, not copied, to the event loop: the listed
 * buffers are transferred (no copy, and unusable on the worker afterwards). Results are copied
 * unless marked, so a function may return a buffer it keeps.
 *
 * @example
 * export const render = blocking(function render(order: Order) {
 *   const png = drawReceipt(order) // a fresh Uint8Array
 *   return transfer(png, [png.buffer])
 * })
 */
export function transfer<T>(value: T, list: Transferable[]): T {
  return { [TRANSFER]: { value, list } } as unknown as T
}

/** Unwraps a `transfer()` result: the value and what to transfer. */
export function unwrapTransfer(result: unknown): { value: unknown; list: Transferable[] | undefined } {
  if (result !== null && typeof result === 'object' && TRANSFER in result) {
    const marked = (result as Marked<unknown>)[TRANSFER]
    return { value: marked.value, list: marked.list }
  }
  return { value: result, list: undefined }
}
