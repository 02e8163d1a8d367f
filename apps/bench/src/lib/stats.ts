/** The median of a list (for an even count, the mean of the two middle values). */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Index of the run whose value is the median (the lower middle one for an even count). */
export function medianIndex(values: number[]): number {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0])
  return order[Math.floor((order.length - 1) / 2)]![1]
}

/** Requests per second as in measurements.md: `86.5k` from 10k up, else an integer. */
export function formatRps(rps: number): string {
  if (!Number.isFinite(rps)) return 'n/a'
  return rps >= 10_000 ? `${(rps / 1000).toFixed(1)}k` : `${Math.round(rps)}`
}

/** A latency in microseconds: `543 µs`, `1.35 ms`, `40.7 ms`, `2287 ms`. */
export function formatLatency(us: number): string {
  if (!Number.isFinite(us)) return 'n/a'
  if (us < 1000) return `${Math.round(us)} µs`
  const ms = us / 1000
  if (ms < 10) return `${ms.toFixed(2)} ms`
  if (ms < 100) return `${ms.toFixed(1)} ms`
  return `${Math.round(ms)} ms`
}

export function formatPercent(value: number): string {
  return Number.isFinite(value) ? `${Math.round(value)}%` : 'n/a'
}
