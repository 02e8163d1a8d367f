// The blocking function of the NATS dispatch bench, declared once: tandem-nats-worker processes load
// this module as their entry, so do the local pools, and dispatch.ts imports it (the same blocking
// functions in the same order: the compatibility key a scheduler and its workers share).
import { blocking } from '@tandem/core'

/** Adds two numbers: the work is nothing, what is measured is the trip. */
export function add(a: number, b: number): number {
  return a + b
}

export const addBlocking = blocking(add)
