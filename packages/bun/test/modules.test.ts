import { describe, expect, it } from 'bun:test'
import { runModulesSuite } from '@tandem/runtimes/modules-suite'

runModulesSuite('bun', new URL('./fixtures/modules.ts', import.meta.url).pathname, { describe, it, expect })
