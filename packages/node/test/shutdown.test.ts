import { describe, expect, it } from 'vitest'
import { startServer } from './process.ts'
import { type Ending, get, isAnswer, openRaw, type RawAnswer, type RawConnection } from './raw-http.ts'

/**
 * SIGTERM under traffic (issue 11, items 5 and 6): every request the app received is answered (or
 * told to retry: 503 with Retry-After), every request it did not receive is refused cleanly (a FIN
 * before any answer, or a refused connection), and nothing is reset. The fixture logs `RECEIVED <id>`
 * for each request its handler runs, which tells a clean refusal from a drop.
 */

const received = (output: string) => new Set([...output.matchAll(/RECEIVED (\S+)/g)].map((m) => m[1]!))
const port = (url: string) => Number(new URL(url).port)

/** What became of one request a client sent. */
interface Outcome {
  id: string
  result: RawAnswer | Ending
}

describe('shutdown drops nothing it accepted', () => {
  it('answers or cleanly refuses every request of keep-alive clients when SIGTERM lands mid-load', async () => {
    const server = await startServer('server.ts', { POOL_SIZE: '1' })
    const outcomes: Outcome[] = []
    let refusedConnections = 0
    // Each client loops on one keep-alive connection, and opens another when the server closes it;
    // bounded, whatever the server does.
    const client = async (k: number) => {
      let n = 0
      for (let opened = 0; opened < 20 && n < 2000; opened++) {
        let connection: RawConnection
        try {
          connection = await openRaw(port(server.url))
        } catch {
          refusedConnections++
          return
        }
        while (n < 2000) {
          const id = `c${k}-${n++}`
          // Closed before it could be sent (the client saw the FIN first): not a request.
          if (!connection.write(get(`/work/${id}?ms=40`))) break
          const result = await connection.next()
          outcomes.push({ id, result })
          if (!isAnswer(result) || result.headers.connection === 'close') break
          // Some clients think between requests: their connections sit idle when SIGTERM lands.
          if (k % 4 > 0) await new Promise((resolve) => setTimeout(resolve, k % 4))
        }
        connection.socket.destroy()
      }
    }
    const clients = Array.from({ length: 16 }, (_, k) => client(k))
    // Mid-load: once the app has seen a good number of requests, never after a fixed sleep.
    await server.waitFor((output) => received(output).size >= 300, 20_000)
    const code = await server.stop('SIGTERM')
    await Promise.all(clients)

    const seen = received(server.output())
    const answers = outcomes.filter((o) => isAnswer(o.result)).map((o) => o.result as RawAnswer)
    const unanswered = outcomes.filter((o) => !isAnswer(o.result))
    // A reset of a sent request is lost; so is a request the app received that got no answer.
    const lost = unanswered.filter((o) => (o.result as Ending).how === 'reset' || seen.has(o.id))
    const refused = unanswered.length - lost.length
    const afterSignal = answers.filter((a) => JSON.parse(a.body).stopping)
    console.log(
      `keep-alive load: ${outcomes.length} requests sent, ${answers.length} answered ` +
        `(${answers.filter((a) => a.status === 200).length} 200, ${afterSignal.length} after SIGTERM), ` +
        `${refused} refused cleanly, ${lost.length} lost; ${refusedConnections} connections refused`,
    )
    expect(lost.map((o) => ({ id: o.id, ...o.result, received: seen.has(o.id) }))).toEqual([])
    expect(answers.every((a) => a.status === 200)).toBe(true)
    expect(afterSignal.length).toBeGreaterThan(0)
    // Each answer written once shutdown began tells the client not to reuse the connection.
    expect(afterSignal.filter((a) => a.headers.connection !== 'close')).toEqual([])
    expect(code).toBe(0)
  }, 60_000)

  it('answers every pipelined request the app received, 503 for one still running at shutdownTimeout, and refuses the rest cleanly', async () => {
    const server = await startServer('server.ts', { POOL_SIZE: '1', SHUTDOWN_TIMEOUT: '2000' })
    const connections = await Promise.all([0, 1, 2, 3].map(() => openRaw(port(server.url))))
    // Five pipelined at once on each connection; the third outlives shutdownTimeout by far.
    const plan = [50, 50, 30_000, 50, 50]
    const ids = connections.map((_, k) => plan.map((_, i) => `p${k}-${i}`))
    connections.forEach((c, k) => {
      c.write(plan.map((ms, i) => get(`/work/${ids[k]![i]}?ms=${ms}`)).join(''))
    })
    await server.waitFor((output) => ids.flat().every((id) => received(output).has(id)), 20_000)
    const code = server.stop('SIGTERM')
    await server.waitFor('SIGTERM: finishing in-flight requests', 20_000)
    // Pipelined once shutdown began, behind requests still running: never started.
    const late = connections.map((c, k) => {
      const lateIds = [0, 1, 2].map((i) => `late${k}-${i}`)
      return c.write(lateIds.map((id) => get(`/work/${id}?ms=50`)).join('')) ? lateIds : []
    })
    const results = await Promise.all(
      connections.map(async (c) => {
        const got: (RawAnswer | Ending)[] = []
        for (let r = await c.next(); ; r = await c.next()) {
          got.push(r)
          if (!isAnswer(r)) return got
        }
      }),
    )
    const exitCode = await code

    const seen = received(server.output())
    const answers = results.map((got) => got.filter(isAnswer))
    const retry = answers.flat().filter((a) => a.status === 503).length
    // Answers come in request order: the i-th answer on a connection is its i-th request's.
    const dropped = ids.flatMap((list, k) =>
      [...list, ...late[k]!].filter((id, i) => seen.has(id) && !answers[k]![i]),
    )
    console.log(
      `pipelining: ${ids.flat().length + late.flat().length} requests sent, ${seen.size} received by the ` +
        `app, ${answers.flat().length} answered (${retry} 503 with Retry-After), ` +
        `${late.flat().filter((id) => !seen.has(id)).length} refused cleanly, ${dropped.length} dropped`,
    )
    expect(dropped).toEqual([])
    expect(late.flat().filter((id) => seen.has(id))).toEqual([])
    results.forEach((got, k) => {
      // Each request the app received, in order, and nothing for the ones it never saw.
      expect(answers[k]!.map((a) => JSON.parse(a.body).id ?? a.status)).toEqual(
        ids[k]!.map((id, i) => (i === 2 ? 503 : id)),
      )
      const stuck = answers[k]![2]!
      expect(Number(stuck.headers['retry-after'])).toBeGreaterThanOrEqual(1)
      expect(JSON.parse(stuck.body).detail).toMatch(/shutting down/)
      // Closed cleanly after the last answer: the client knows the late requests never ran.
      expect(got.at(-1)).toEqual({ how: 'fin' })
    })
    expect(exitCode).toBe(0)
    expect(server.output()).toMatch(/still running 2000 ms after shutdown began \(shutdownTimeout\)/)
  }, 60_000)

  it('closes idle keep-alive connections with a FIN and exits without waiting for shutdownTimeout', async () => {
    const server = await startServer('server.ts', { POOL_SIZE: '1', SHUTDOWN_TIMEOUT: '10000' })
    const used = await openRaw(port(server.url))
    used.write(get('/work/idle?ms=0'))
    expect(isAnswer(await used.next())).toBe(true)
    // Opened and never used (a client's warm connection): Node's parser counts it as busy.
    const silent = await openRaw(port(server.url))
    expect(await server.stop('SIGTERM')).toBe(0)
    expect(await used.ended).toEqual({ how: 'fin' })
    expect(await silent.ended).toEqual({ how: 'fin' })
    // Neither held the shutdown until its deadline.
    expect(server.output()).not.toMatch(/shutdownTimeout/)
  }, 60_000)
})
