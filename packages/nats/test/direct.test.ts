import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { directCases } from './direct-cases.ts'

directCases({ describe, it, expect, beforeAll, afterAll })
