import type { Server as HttpServer, IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import { Server as NetServer, type Socket } from 'node:net'

/**
 * Graceful shutdown of a `node:http` server that drops nothing it accepted. Node's own
 * `server.close()` destroys idle keep-alive connections (a request the client sent at that moment is
 * reset unread) and lets busy ones go on taking requests without `Connection: close`; at a deadline,
 * `closeAllConnections()` cuts requests the app already received. Instead, each connection's
 * requests handed to the app are tracked in order, and once shutdown begins:
 *
 * - a connection with answers in flight closes after the last of them, which says
 *   `Connection: close` (when its headers are not out yet); requests pipelined behind it are refused
 *   unread: the client sees the connection close after its last answer;
 * - an idle connection is closed with a FIN (not destroyed): a request racing it is never read by
 *   the app, and the client sees a clean close it can retry on, not a reset;
 * - a request read on a connection that had nothing in flight is answered, with `Connection: close`;
 * - at the deadline, each request still without an answer gets a 503 with `Retry-After` (in its
 *   place in the pipeline); only a response already streaming is cut.
 */

/** How long a connection closed with a FIN may wait for the client to close its side (ms). */
const LINGER = 1000
/** How often the drain looks again at connections still busy (ms). */
const POLL = 20

interface Connection {
  socket: Socket
  /** Responses of the requests handed to the app, not yet fully written, in request order. */
  inflight: ServerResponse[]
  /** Shutdown decided this connection's last answer: no further request on it reaches the app. */
  sealed: boolean
}

const CONNECTION = Symbol('tandem.connection')
type TrackedSocket = Socket & { [CONNECTION]?: Connection }

/** Responses the server answered itself (503 at the deadline): the app's answer is dropped. */
const refusedByServer = new WeakSet<ServerResponse>()

/** Whether the server answered this request itself at the shutdown deadline (503, retry). */
export const refusedAtShutdown = (outgoing: ServerResponse): boolean => refusedByServer.has(outgoing)

const done = (outgoing: ServerResponse) => outgoing.writableFinished || outgoing.destroyed

const SHUTTING_DOWN = JSON.stringify({
  detail:
    'The server is shutting down and this request was still running when its shutdownTimeout ran out. ' +
    'Retry it: it may have been partly processed, so retry only what is safe to repeat.',
})

/** What `serve()` needs from the drain: the same three steps as core's `ListeningServer`. */
export interface Drain {
  /** Stops listening and starts closing connections as they go idle; resolves once all are closed. */
  stopAccepting(): Promise<void>
  /** Resolves once no request handed to the app is without its answer, and none is being received. */
  idle(): Promise<void>
  /** Answers 503 to requests still running, cuts streams, closes (FIN) the rest; destroys after `LINGER`. */
  closeConnections(): void
}

/**
 * Serves `listener` on `server`, tracking each connection's requests so that `stopAccepting()`,
 * `idle()` and `closeConnections()` shut it down without dropping what it accepted.
 *
 * @example
 * const server = createServer()
 * const drain = drainable(server, listener)
 * // on shutdown: await drain.stopAccepting() ... await drain.idle() ... drain.closeConnections()
 */
export function drainable(server: HttpServer, listener: RequestListener): Drain {
  const connections = new Set<Connection>()
  let draining = false
  let settled: Promise<void> | undefined

  server.on('connection', (socket: TrackedSocket) => {
    const connection: Connection = { socket, inflight: [], sealed: false }
    socket[CONNECTION] = connection
    connections.add(connection)
    socket.once('close', () => connections.delete(connection))
  })

  server.on('request', (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const connection = (incoming.socket as TrackedSocket)[CONNECTION]
    if (!connection) return listener(incoming, outgoing)
    const inflight = connection.inflight
    while (inflight.length > 0 && done(inflight[0]!)) inflight.shift()
    if (draining) {
      if (connection.sealed || connection.socket.writableEnded) {
        // Behind the connection's last answer (or after our FIN): never read by the app. Its body
        // is read and dropped, so the connection closes with a FIN, not a reset.
        incoming.resume()
        return
      }
      // Read on a connection that had nothing in flight: answered, and the connection closes after.
      connection.sealed = true
      outgoing.shouldKeepAlive = false
    }
    inflight.push(outgoing)
    listener(incoming, outgoing)
  })

  /** The sockets Node's parser sees between requests (none half-read); all if Node hides it. */
  const betweenRequests = (): Set<Socket> | undefined => {
    const key = Object.getOwnPropertySymbols(server).find((s) => s.description === 'http.server.connections')
    const list = key && (server as unknown as Record<symbol, { idle?(): { socket?: Socket }[] }>)[key]
    if (typeof list?.idle !== 'function') return undefined
    return new Set(list.idle().map((parser) => parser.socket!))
  }

  /** Closes what has nothing left to answer; true if some connection still has work. */
  const sweep = (): boolean => {
    const quiet = betweenRequests()
    let busy = false
    for (const connection of connections) {
      const { socket, inflight } = connection
      while (inflight.length > 0 && done(inflight[0]!)) inflight.shift()
      if (inflight.length > 0) {
        busy = true
        continue
      }
      if (!connection.sealed && quiet && !quiet.has(socket) && socket.bytesRead > 0) {
        // A request is arriving (its headers are not all in): it will be answered, with close. (A
        // connection that never sent a byte is not one: Node counts it as active too.)
        busy = true
        continue
      }
      connection.sealed = true
      // A FIN: the client sees a clean close, and we still read (and drop) what it sends.
      if (!socket.writableEnded && !socket.destroyed) socket.end()
    }
    return busy
  }

  return {
    stopAccepting() {
      draining = true
      for (const connection of connections) {
        const { inflight } = connection
        while (inflight.length > 0 && done(inflight[0]!)) inflight.shift()
        const last = inflight.at(-1)
        if (!last) continue
        connection.sealed = true
        // The last answer says Connection: close, and Node closes the connection after it; one
        // whose headers are out already is followed by a FIN instead (sweep).
        if (!last.headersSent) last.shouldKeepAlive = false
      }
      // Requests whose bytes had already arrived get read first (one turn of the loop's poll phase),
      // so they are answered rather than met with a FIN.
      settled = new Promise((resolve) => setImmediate(() => setImmediate(resolve)))
      // net's close(): http's would destroy idle connections, resetting requests racing it.
      return new Promise((resolve) => NetServer.prototype.close.call(server, () => resolve()))
    },

    async idle() {
      await settled
      while (sweep()) await new Promise((resolve) => setTimeout(resolve, POLL))
    },

    closeConnections() {
      draining = true
      for (const connection of connections) {
        connection.sealed = true
        const { socket, inflight } = connection
        const waiting = inflight.filter((outgoing) => !done(outgoing))
        for (const [i, outgoing] of waiting.entries()) {
          if (outgoing.writableEnded) continue // answered by the app; it goes out in its turn
          if (outgoing.headersSent) {
            // A response streaming past the deadline: nothing to do but cut it (and what follows).
            socket.destroy()
            break
          }
          refusedByServer.add(outgoing)
          if (i === waiting.length - 1) outgoing.shouldKeepAlive = false
          outgoing.writeHead(503, {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(SHUTTING_DOWN),
            'retry-after': '1',
          })
          outgoing.end(SHUTTING_DOWN)
        }
      }
      sweep()
      setTimeout(() => {
        for (const connection of connections) connection.socket.destroy()
      }, LINGER).unref()
    },
  }
}
