import { describe, expectTypeOf, it } from 'vitest'
import { App } from '../index.ts'
import type { Transport, TransportFactory } from '../pool/index.ts'
import {
  type Entry,
  type Scheduler,
  type ServeOptions,
  type ServerAdapter,
  serveWith,
  type TandemServer,
} from './index.ts'

interface MyPool {
  size?: number
  /** An option of this runtime's pool only. */
  pinned?: boolean
}
interface MyServer {
  id: string
}

describe('the adapter contract', () => {
  it("types startPool's settings as the adapter's own pool options, never false", () => {
    const adapter: ServerAdapter<ServeOptions<MyPool>, MyServer> = {
      workers: 'worker',
      requestStorage: () => ({ run: (_store, fn) => fn(), getStore: () => undefined }),
      mainModule: () => undefined,
      async startPool(settings, entry) {
        expectTypeOf(settings).toEqualTypeOf<MyPool>()
        expectTypeOf(entry).toEqualTypeOf<Entry>()
        return { scheduler: {} as Scheduler, description: 'pool: test' }
      },
      async listen(app, where) {
        expectTypeOf(app).toEqualTypeOf<App<any, any>>()
        expectTypeOf(where).toEqualTypeOf<{ port: number; hostname: string; reusePort?: boolean }>()
        return { url: '', port: 0, server: { id: 'a' }, stopAccepting: async () => {}, idle: async () => {} }
      },
    }
    // serveWith resolves to the adapter's server type (undefined inside a pool worker).
    expectTypeOf(serveWith(adapter, new App(), { pool: { pinned: true } })).toEqualTypeOf<
      Promise<TandemServer<MyServer> | undefined>
    >()
    // @ts-expect-error: an option the adapter's pool does not have
    void serveWith(adapter, new App(), { pool: { smol: true } })
    void serveWith(adapter, new App(), { pool: false })
  })

  it('types a transport factory from what a pool gives each worker', () => {
    expectTypeOf<Parameters<TransportFactory>[0]>().toEqualTypeOf<{
      index: number
      flags: SharedArrayBuffer
    }>()
    expectTypeOf<ReturnType<TransportFactory>>().toEqualTypeOf<Transport>()
  })
})
