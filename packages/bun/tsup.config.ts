import { preset } from '@tandem/tsup-config'

export default {
  // The worker entry is its own build entry: pool workers load dist/worker.js.
  ...preset({
    entry: { index: 'src/index.ts', worker: 'src/worker.ts' },
    platform: 'node',
    external: ['bun'],
  }),
  // The declarations name Bun's global (`Bun.serve`). The directive makes TypeScript load @types/bun
  // (an optional peer) for it even where a project's `types` is `[]` (TypeScript 6's default); the
  // .d.ts bundler drops one written in the source.
  dts: { banner: '/// <reference types="bun" />' },
}
