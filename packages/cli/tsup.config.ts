import { preset } from '@tandem/tsup-config'

export default preset({ entry: { index: 'src/index.ts', cli: 'src/cli.ts' }, platform: 'node' })
