// The thread answers' cases under Bun: Bun worker processes, whose Web Workers publish on NATS.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { directCases } from '../test/direct-cases.ts'

directCases({ describe, it, expect, beforeAll, afterAll })
