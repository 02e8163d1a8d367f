// Preloaded with `node --import` (NODE_OPTIONS) by the modules suite: records, in every thread (pool
// workers included), the URL of each module the thread loads, in `globalThis.__tandemLoaded`.
import { registerHooks } from 'node:module'

const loaded = []
globalThis.__tandemLoaded = loaded
registerHooks({
  load(url, context, nextLoad) {
    loaded.push(url)
    return nextLoad(url, context)
  },
})
