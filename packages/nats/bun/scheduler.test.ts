// The scheduler conformance suite under Bun: a Bun scheduler and Bun worker processes (Bun's
// serializer writes what only Bun reads, so a fleet is one runtime; see docs/runtimes/nats.md).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'bun:test'
import { schedulerCases } from '../test/scheduler-cases.ts'

schedulerCases('Bun', { describe, it, expect, afterEach, beforeAll, afterAll })
