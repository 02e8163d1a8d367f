// The blocking functions of the pool benchmarks, declared once: the Tandem pool's workers load this
// module (piscina's worker file calls the same plain functions).
import { pbkdf2Sync } from 'node:crypto'
import { blocking } from '@tandem/core'

/** Echoes a small object: the cost of dispatch alone. */
export function echo(value: unknown): unknown {
  return value
}

/** About 5 ms of CPU on this machine (pbkdf2 sha256, 29,000 iterations, as measurements.md). */
export function cpu(): string {
  return pbkdf2Sync('password', 'salt', 29_000, 32, 'sha256').toString('hex')
}

export const echoBlocking = blocking(echo)
export const cpuBlocking = blocking(cpu)
