/** Where the app reports errors it handles (unhandled errors, failed cleanups). */
export interface Logger {
  error(message: string, error?: unknown): void
  warn(message: string): void
}

/** The default logger: the console, each line prefixed with `[tandem]`. */
export const consoleLogger: Logger = {
  error: (message, error) => console.error(`[tandem] ${message}`, ...(error === undefined ? [] : [error])),
  warn: (message) => console.warn(`[tandem] ${message}`),
}
