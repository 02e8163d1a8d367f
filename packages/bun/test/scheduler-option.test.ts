import { describe, expect, it } from 'bun:test'
import { serve } from '@tandem/bun'
import { runSchedulerOptionSuite } from '@tandem/runtimes/scheduler-option-suite'
// bun test runs every file in one process, whose pools seal the blocking registry: this file uses
// the scheduler suite's functions rather than declaring one of its own.
import { functions } from './fixtures/suite-entry.ts'

runSchedulerOptionSuite(serve, async (n) => (await functions.echo(n * 3)) as number, { describe, it, expect })
