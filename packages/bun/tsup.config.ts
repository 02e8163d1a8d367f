import { preset } from '@tandem/tsup-config'

// The worker entry is its own build entry: pool workers load dist/worker.js.
export default preset({
  entry: { index: 'src/index.ts', worker: 'src/worker.ts' },
  platform: 'node',
  external: ['bun'],
})
