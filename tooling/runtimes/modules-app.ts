// An ordinary app (routes, validation, a blocking dependency, docs on) whose two routes report the
// modules their thread loaded: `/modules/main` from the event loop, `/modules/worker` from a pool
// worker. The modules suite checks that a worker loads neither Hono nor the OpenAPI code.
import { App, blocking, depends } from '@tandem/core'
import { z } from 'zod'

/** Paths of the modules this thread loaded (Node: recorded by record-modules.mjs; Bun: its module cache). */
function loadedModules(): string[] {
  const recorded = (globalThis as { __tandemLoaded?: string[] }).__tandemLoaded
  // Bun gives every module a `require` whose cache lists the ES modules loaded too.
  const list = recorded ?? (typeof require === 'undefined' ? [] : Object.keys(require.cache))
  return list.map((url) => (url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url))
}

const settings = depends(
  blocking(function settings() {
    return { region: 'eu' }
  }),
)

export const app = new App({ title: 'Modules' })

app.get('/modules/main', async () => loadedModules())

app.get(
  '/modules/worker',
  { query: { verbose: z.boolean().default(false) }, deps: { settings } },
  blocking(function workerModules() {
    return loadedModules()
  }),
)
