import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const bun = join(import.meta.dirname, '..', 'node_modules', '.bin', 'bun')

describe('@tandem/bun under the real bun binary', () => {
  it('loads the built package', async () => {
    const { stdout } = await promisify(execFile)(
      bun,
      ['-e', "const m = await import('@tandem/bun'); console.log(m.packageName, typeof Bun.serve)"],
      { cwd: join(import.meta.dirname, '..') },
    )
    expect(stdout.trim()).toBe('@tandem/bun function')
  })
})
