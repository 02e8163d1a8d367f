import { preset } from '@tandem/tsup-config'

// Web APIs only (fetch, Request, streams): one build for browsers, Node, Bun, Deno and workerd.
export default preset({ entry: { index: 'src/index.ts' }, platform: 'neutral' })
