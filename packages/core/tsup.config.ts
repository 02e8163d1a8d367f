/// <reference types="node" />
import { readFile, rm, writeFile } from 'node:fs/promises'
import { preset } from '@tandem/tsup-config'

const options = preset({
  // One entry per audience: apps (index), runtime adapters, pools and schedulers, docs pages,
  // scheduler tests, several event loops, and the docs pages' files. Shared code lands in chunks the
  // entries share (one module state).
  entry: {
    index: 'src/index.ts',
    adapter: 'src/adapter/index.ts',
    pool: 'src/pool/index.ts',
    openapi: 'src/openapi/index.ts',
    testing: 'src/testing/index.ts',
    // Several event loops on one port: node:child_process, so never loaded on workerd.
    loops: 'src/loops/index.ts',
    // Swagger UI and Redoc (3 MB): imported by no other entry, so no bundle carries it unless it
    // imports it (src/openapi/assets.ts loads it at run time on Node and Bun).
    'docs-assets': 'src/openapi/docs-assets.ts',
  },
  platform: 'neutral',
})

/** The docs assets are other projects' minified files: a map of them (3 MB) maps nothing of ours. */
const VENDORED = 'dist/docs-assets.js'

export default {
  ...options,
  // The docs assets (src/openapi/assets-data.ts) import Swagger UI's stylesheet as text. tsup's own
  // CSS plugin ignores the `with { type: 'text' }` attribute and emits a .css file instead unless
  // CSS loads as text. Core has no stylesheets of its own, so this changes nothing else.
  loader: { '.css': 'text' as const },
  async onSuccess() {
    await rm(`${VENDORED}.map`, { force: true })
    // Every trailing `//# sourceMappingURL=` line (esbuild writes one, tsup another).
    const lines = (await readFile(VENDORED, 'utf8')).trimEnd().split('\n')
    while (lines.at(-1)?.startsWith('//# sourceMappingURL=')) lines.pop()
    await writeFile(VENDORED, `${lines.join('\n')}\n`)
  },
}
