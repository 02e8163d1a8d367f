import { runModulesSuite } from '@tandem/runtimes/modules-suite'
import { describe, expect, it } from 'vitest'

runModulesSuite('node', new URL('./fixtures/modules.ts', import.meta.url).pathname, { describe, it, expect })
