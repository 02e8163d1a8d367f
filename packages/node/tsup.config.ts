import { preset } from '@tandem/tsup-config'

export default {
  // The worker entry is its own build entry: pool workers load dist/worker.js.
  ...preset({ entry: { index: 'src/index.ts', worker: 'src/worker.ts' }, platform: 'node' }),
  // The declarations name Node's modules (`node:http`, `node:worker_threads`). The directive makes
  // TypeScript load @types/node (an optional peer) for them even where a project's `types` is `[]`
  // (TypeScript 6's default); the .d.ts bundler drops one written in the source.
  dts: { banner: '/// <reference types="node" />' },
}
