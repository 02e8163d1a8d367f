/** Where a bench server listens: the harness sets PORT (a free port) and always uses 127.0.0.1. */
export const port = Number(process.env.PORT ?? 3000)
export const hostname = '127.0.0.1'
