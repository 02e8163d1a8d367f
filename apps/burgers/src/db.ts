// The orders database: SQLite through each runtime's synchronous driver (node:sqlite on Node,
// bun:sqlite on Bun), or a Durable Object's SQLite storage on workerd. Synchronous drivers are
// exactly what blocking functions are for: they never run on the event loop.

/** The few calls the shop makes, the same on every driver. */
export interface Database {
  exec(sql: string): void
  run(sql: string, ...params: (string | number | null)[]): { lastInsertRowid: number }
  all<T>(sql: string, ...params: (string | number | null)[]): T[]
  get<T>(sql: string, ...params: (string | number | null)[]): T | undefined
  /**
   * Opens a transaction. On Durable Objects these three are no-ops: their SQL storage commits
   * implicitly at the end of each event, so a handler that throws after a write keeps the write there.
   */
  begin(): void
  commit(): void
  rollback(): void
}

type Statement = {
  run(...params: unknown[]): { lastInsertRowid: number | bigint }
  all(...params: unknown[]): unknown[]
  get(...params: unknown[]): unknown
}
type Driver = (path: string) => { exec(sql: string): void; prepare(sql: string): Statement }

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer TEXT NOT NULL,
    items TEXT NOT NULL,
    total REAL NOT NULL,
    status TEXT NOT NULL,
    seal TEXT,
    created_at TEXT NOT NULL
  )`

const onWorkerd = globalThis.navigator?.userAgent === 'Cloudflare-Workers'

/** The runtime's SQLite driver, loaded once (none on workerd: it uses Durable Object storage). */
const driver: Driver | undefined = onWorkerd
  ? undefined
  : 'Bun' in globalThis
    ? await import('bun:sqlite').then(
        ({ Database }) =>
          (path: string) =>
            new Database(path, { create: true }) as never,
      )
    : await import('node:sqlite').then(
        ({ DatabaseSync }) =>
          (path: string) =>
            new DatabaseSync(path) as never,
      )

function wrap(db: ReturnType<Driver>): Database {
  const cache = new Map<string, Statement>()
  const statement = (sql: string) => {
    let stmt = cache.get(sql)
    if (!stmt) {
      stmt = db.prepare(sql)
      cache.set(sql, stmt)
    }
    return stmt
  }
  return {
    exec: (sql) => db.exec(sql),
    run: (sql, ...params) => ({ lastInsertRowid: Number(statement(sql).run(...params).lastInsertRowid) }),
    all: (sql, ...params) => statement(sql).all(...params) as never[],
    get: (sql, ...params) => statement(sql).get(...params) as never,
    begin: () => db.exec('BEGIN IMMEDIATE'),
    commit: () => db.exec('COMMIT'),
    rollback: () => db.exec('ROLLBACK'),
  }
}

const open = new Map<string, Database>()

/**
 * The database at `path`, opened once per thread (each pool worker keeps its own connection; SQLite
 * in WAL mode lets them share the file).
 */
export function openFile(path: string): Database {
  let db = open.get(path)
  if (!db) {
    if (!driver)
      throw new Error('No SQLite driver on this runtime: on workerd the shop uses Durable Object storage.')
    const raw = driver(path)
    raw.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;')
    raw.exec(SCHEMA)
    db = wrap(raw)
    open.set(path, db)
  }
  return db
}

/** A Durable Object's SQL storage (`ctx.storage.sql`) behind the same interface. */
export interface SqlStorage {
  exec(query: string, ...bindings: unknown[]): { toArray(): unknown[]; rowsWritten: number }
}

/** Wraps a Durable Object's SQL storage. */
export function openDurableObject(sql: SqlStorage): Database {
  sql.exec(SCHEMA)
  return {
    exec: (query) => void sql.exec(query),
    run: (query, ...params) => {
      sql.exec(query, ...params)
      const row = sql.exec('SELECT last_insert_rowid() AS id').toArray()[0] as { id: number }
      return { lastInsertRowid: row.id }
    },
    all: (query, ...params) => sql.exec(query, ...params).toArray() as never[],
    get: (query, ...params) => sql.exec(query, ...params).toArray()[0] as never,
    begin: () => {},
    commit: () => {},
    rollback: () => {},
  }
}
