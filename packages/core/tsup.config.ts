import { preset } from '@tandem/tsup-config'

export default {
  ...preset({
    // One entry per audience: apps (index), runtime adapters, pools and schedulers, docs pages,
    // scheduler tests, several event loops. Shared code lands in chunks the entries share (one module state).
    entry: {
      index: 'src/index.ts',
      adapter: 'src/adapter/index.ts',
      pool: 'src/pool/index.ts',
      openapi: 'src/openapi/index.ts',
      testing: 'src/testing/index.ts',
      // Several event loops on one port: node:child_process, so never loaded on workerd.
      loops: 'src/loops/index.ts',
    },
    platform: 'neutral',
  }),
  // The docs assets (src/openapi/assets-data.ts) import Swagger UI's stylesheet as text. tsup's own
  // CSS plugin ignores the `with { type: 'text' }` attribute and emits a .css file instead unless
  // CSS loads as text. Core has no stylesheets of its own, so this changes nothing else.
  loader: { '.css': 'text' as const },
}
