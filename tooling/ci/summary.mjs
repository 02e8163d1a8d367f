// Sums the test summaries in a `pnpm test` log (vitest's "Tests  N passed | M failed" and bun's
// " N pass" / " M fail" lines) into one plain closing line:
// "tests: N passed, N failed" (", N skipped" when any), so CI reads one total for the monorepo.
import { readFileSync } from 'node:fs'

const [logPath, status = '0'] = process.argv.slice(2)
const text = readFileSync(logPath, 'utf8').replace(
  new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'),
  '',
)
const totals = { passed: 0, failed: 0, skipped: 0 }
for (const line of text.split('\n')) {
  const bun = /^(?:\S+:\s+)?\s*(\d+) (pass|fail|skip|todo)\s*$/.exec(line)
  if (bun) {
    totals[{ pass: 'passed', fail: 'failed', skip: 'skipped', todo: 'skipped' }[bun[2]]] += Number(bun[1])
    continue
  }
  const match = /^(?:\S+:\s+)?\s*Tests\s+(.*)$/.exec(line)
  if (!match) continue
  for (const [, n, word] of match[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
    totals[word === 'todo' ? 'skipped' : word] += Number(n)
  }
}
if (status !== '0' && totals.failed === 0) {
  console.log(`pnpm test exited with status ${status} (a build, typecheck or lint step failed: see above)`)
}
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : ''
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed${skipped}`)
