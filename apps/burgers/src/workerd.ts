// workerd: the Worker forwards every request to one Durable Object, which serves the app with its
// SQLite storage as the orders database. Blocking functions run inline (workerd has no threads).
import { DurableObject } from 'cloudflare:workers'
import { app } from './app.ts'
import type { SqlStorage } from './db.ts'

interface WorkerEnv {
  SHOP: {
    idFromName(name: string): unknown
    get(id: unknown): { fetch(request: Request): Promise<Response> }
  }
  API_KEY?: string
}

/** The shop's Durable Object: one instance holds the orders in its SQLite storage. */
export class Shop extends DurableObject<WorkerEnv> {
  override fetch(request: Request): Promise<Response> {
    const storage = (this.ctx as unknown as { storage: { sql: SqlStorage } }).storage
    return Promise.resolve(app.fetch(request, { SQL: storage.sql, API_KEY: this.env.API_KEY }, this.ctx))
  }
}

export default {
  fetch(request: Request, env: WorkerEnv): Promise<Response> {
    return env.SHOP.get(env.SHOP.idFromName('shop')).fetch(request)
  },
}
