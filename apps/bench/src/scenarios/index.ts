import type { Scenario } from '../lib/types.ts'
import { cpu } from './cpu.ts'
import { hello } from './hello.ts'
import { realistic, realisticBun } from './realistic.ts'

export const scenarios: Record<string, Scenario> = { hello, realistic, 'realistic-bun': realisticBun, cpu }
