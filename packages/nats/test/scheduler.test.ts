import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { schedulerCases } from './scheduler-cases.ts'

schedulerCases('Node', { describe, it, expect, afterEach, beforeAll, afterAll })
