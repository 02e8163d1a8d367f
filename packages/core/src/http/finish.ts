/**
 * Runs `finish` once the response body has been produced: when the stream has been read to its end,
 * failed, or been cancelled (the client went away); right away for a response without a body.
 * `track` receives the promise of that work (the app awaits it on close; workerd's `waitUntil`).
 */
export function finishAfterBody(
  response: Response,
  finish: (error?: unknown) => Promise<void>,
  track: (done: Promise<void>) => void,
): Response {
  let resolve!: () => void
  const done = new Promise<void>((r) => {
    resolve = r
  })
  track(done)
  let started = false
  const run = (error?: unknown) => {
    if (started) return
    started = true
    finish(error).then(resolve, resolve)
  }
  if (!response.body) {
    setTimeout(run, 0)
    return response
  }
  const source = response.body.getReader()
  let cancelled = false
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: end, value } = await source.read()
        // Cancelled while this read was pending: the stream is gone, and cancel() runs the finish.
        if (cancelled) return
        if (end) {
          controller.close()
          run()
          return
        }
        controller.enqueue(value)
      } catch (error) {
        if (cancelled) return
        controller.error(error)
        run(error)
      }
    },
    async cancel(reason) {
      cancelled = true
      try {
        await source.cancel(reason)
      } finally {
        run()
      }
    },
  })
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  })
}
