import { preset } from '@tandem/tsup-config'

// The bin is its own entry, and so is thread.ts (the port filter module pool threads load by URL); like the tandem bin, src/bin.ts starts with `#!/usr/bin/env node`, which
// esbuild keeps at the top of dist/bin.js (tsup then makes that file executable).
export default {
  ...preset({
    entry: { index: 'src/index.ts', bin: 'src/bin.ts', thread: 'src/thread.ts' },
    platform: 'node',
  }),
  // The declarations name the NATS client's Node types: the directive makes TypeScript load
  // @types/node (an optional peer) even where a project's `types` is `[]` (TypeScript 6's default).
  dts: { banner: '/// <reference types="node" />' },
}
