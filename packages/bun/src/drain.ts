import type { ListeningServer } from '@tandem/core/adapter'
import { withConnectionClose } from './requests.ts'

/**
 * Graceful shutdown over `Bun.serve`, dropping nothing Tandem can keep. Once shutdown begins:
 *
 * - `server.stop(false)` stops listening; Bun closes idle keep-alive connections at once and lets
 *   connections with a request in flight finish;
 * - each answer given from then on says `Connection: close`, so Bun closes its connection after it
 *   and the client sends nothing more on it;
 * - at the deadline (`closeConnections`), each request still without an answer gets a 503 with
 *   `Retry-After` and `Connection: close`, in place of the app's answer; a later call cuts what is
 *   left (responses already streaming) with `server.stop(true)`.
 *
 * What Bun does before Tandem sees anything (its closing of idle connections, its closing of a
 * connection on which a request is pipelined behind an answer in flight) is in docs/runtimes/bun.md.
 */

type Fetch = (request: Request) => Response | Promise<Response>

const SHUTTING_DOWN = JSON.stringify({
  detail:
    'The server is shutting down and this request was still running when its shutdownTimeout ran out. ' +
    'Retry it: it may have been partly processed, so retry only what is safe to repeat.',
})

/** The `fetch` to give `Bun.serve`, and the lifecycle's view of the server once it is made. */
export interface BunDrain {
  /** `fetch`, with its answers tracked until they are given. */
  fetch: Fetch
  /** What the serving lifecycle (`serveWith`) calls to stop the server. */
  lifecycle(server: Pick<Bun.Server<unknown>, 'stop' | 'pendingRequests'>, url: string): ListeningServer
}

/**
 * Wraps `fetch` so that shutdown can close connections after their answers and answer 503 in place
 * of requests still running at its deadline.
 *
 * @example
 * const drain = bunDrain(app.fetch)
 * const server = Bun.serve({ port: 8000, fetch: drain.fetch })
 * return { ...drain.lifecycle(server, url), port: server.port, server } // a ServerAdapter's listen()
 */
export function bunDrain(fetch: Fetch): BunDrain {
  let draining = false
  /** Requests whose answer is not given yet: each entry answers its request with a 503. */
  const running = new Set<() => void>()

  const tracked = (answer: Promise<Response>) =>
    new Promise<Response>((resolve, reject) => {
      const refuse = () => {
        running.delete(refuse)
        resolve(shuttingDown())
      }
      running.add(refuse)
      answer.then(
        (response) => {
          if (!running.delete(refuse)) return // answered 503 at the deadline already
          resolve(draining ? withConnectionClose(response) : response)
        },
        (error) => {
          if (running.delete(refuse)) reject(error)
        },
      )
    })

  return {
    fetch: (request) => {
      const answer = fetch(request)
      if (answer instanceof Promise) return tracked(answer)
      return draining ? withConnectionClose(answer) : answer
    },
    lifecycle: (server, url) => {
      let refused = false
      return {
        url,
        stopAccepting: () => {
          draining = true
          return server.stop(false)
        },
        idle: async () => {
          while (server.pendingRequests > 0) await new Promise((resolve) => setTimeout(resolve, 10))
        },
        closeConnections: () => {
          // First the requests still running get their 503 (Bun writes it, then closes); only a
          // later call, or one with nothing to answer, cuts what is left.
          if (!refused && running.size > 0) {
            refused = true
            for (const refuse of [...running]) refuse()
            return
          }
          void server.stop(true)
        },
      }
    },
  }
}

function shuttingDown(): Response {
  return new Response(SHUTTING_DOWN, {
    status: 503,
    headers: { 'content-type': 'application/json', 'retry-after': '1', connection: 'close' },
  })
}
