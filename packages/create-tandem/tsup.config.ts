import { preset } from '@tandem/tsup-config'
import { versions } from './versions.ts'

export default {
  ...preset({ entry: { index: 'src/index.ts', cli: 'src/cli.ts' }, platform: 'node' }),
  // The versions a new project depends on, read from the monorepo now (versions.ts).
  define: { __CREATE_TANDEM_VERSIONS__: JSON.stringify(versions()) },
}
