import { createServer } from 'node:net'

/**
 * The port the loops will share: `port` once checked free (a port another program holds would
 * otherwise be shared with it, when that program also set SO_REUSEPORT), or a free one for 0.
 *
 * @example
 * await choosePort('127.0.0.1', 0) // 41237
 */
export function choosePort(hostname: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'EADDRINUSE'
          ? 'the port is in use (EADDRINUSE): stop what uses it, or choose another port'
          : error.message
      reject(new Error(`serve(): could not listen on ${hostname}:${port}: ${reason}`, { cause: error }))
    })
    probe.listen({ port, host: hostname, exclusive: true }, () => {
      const chosen = (probe.address() as { port: number }).port
      probe.close(() => resolve(chosen))
    })
  })
}
