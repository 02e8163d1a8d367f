import { preset } from '@tandem/tsup-config'

export default {
  ...preset({
    // `testing` (the scheduler conformance suite for adapter authors) is its own entry.
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
    platform: 'neutral',
  }),
  // The docs assets (src/openapi/assets-data.ts) import Swagger UI's stylesheet as text. tsup's own
  // CSS plugin ignores the `with { type: 'text' }` attribute and emits a .css file instead unless
  // CSS loads as text. Core has no stylesheets of its own, so this changes nothing else.
  loader: { '.css': 'text' as const },
}
