// The kitchen's CPU-bound work: sealing a receipt takes many rounds of hashing (a stand-in for
// image or document work). Pure JavaScript, so it runs the same everywhere; it never runs on the
// event loop of Node or Bun.

/** Hashes `text` for `rounds` rounds (FNV-1a, 32 bits) and returns the seal as hex. */
export function seal(text: string, rounds: number): string {
  let h = 2166136261
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619)
    h = Math.imul(h ^ r, 16777619)
  }
  return (h >>> 0).toString(16).padStart(8, '0')
}

/** One kitchen station: an async wait (the grill heats, the fryer fries), not CPU work. */
export async function station(
  name: string,
  ms: number,
  signal?: AbortSignal,
): Promise<{ station: string; ms: number }> {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => {
      clearTimeout(timer)
      reject(signal.reason)
    })
  })
  return { station: name, ms }
}
