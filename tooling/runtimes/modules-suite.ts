import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { SuiteApi } from './fault-suite.ts'
import { type RuntimeProcess, startProcess } from './index.ts'

/** Code only the HTTP side defines: the routing engine and the OpenAPI document. */
const HTTP_SIDE = /\bclass Engine\b|\bfunction createOpenAPIDocument\b/

/** The modules of `list` that are Hono's, or that define the routing engine or the OpenAPI code. */
function httpSide(list: string[]): string[] {
  return list.filter((path) => {
    if (/[\\/]hono[\\/]/.test(path)) return true
    if (!path.startsWith('/') || !/\.[cm]?[jt]s$/.test(path)) return false
    try {
      return HTTP_SIDE.test(readFileSync(path, 'utf8'))
    } catch {
      return false
    }
  })
}

/**
 * Starts `fixture` (modules-app.ts served by the runtime's `serve()`) and checks that its pool
 * worker loaded neither Hono nor the OpenAPI code, while the event loop's thread did (so the check
 * can see them).
 */
export function runModulesSuite(
  runtime: 'node' | 'bun',
  fixture: string,
  { describe, it, expect }: SuiteApi,
): void {
  describe(`what a pool worker loads on ${runtime}`, () => {
    it('loads the app and its blocking functions, but neither Hono nor the OpenAPI code', async () => {
      const recorder = fileURLToPath(new URL('./record-modules.mjs', import.meta.url))
      const env: Record<string, string> =
        runtime === 'node' ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${recorder}` } : {}
      let server: RuntimeProcess | undefined
      try {
        server = await startProcess(runtime, fixture, env)
        const main = (await (await fetch(`${server.url}/modules/main`)).json()) as string[]
        const worker = (await (await fetch(`${server.url}/modules/worker`)).json()) as string[]
        expect(worker.some((path) => path.endsWith('modules-app.ts'))).toBe(true)
        expect(httpSide(main).length).toBeGreaterThan(0)
        expect(httpSide(worker)).toEqual([])
      } finally {
        await server?.stop()
      }
    }, 60_000)
  })
}
