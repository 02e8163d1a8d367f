import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isWatched, watchSources } from '../src/watch.ts'
import { poll } from './processes.ts'

describe('watchSources', () => {
  it('reloads for sources, not for dependencies, build output, dot-directories or data', () => {
    expect(['src/app.ts', 'app.ts', 'lib/a.mjs', 'package.json'].map(isWatched)).toEqual([
      true,
      true,
      true,
      true,
    ])
    const ignored = [
      'node_modules/x/index.js',
      'dist/cli.js',
      '.git/HEAD.ts',
      '.turbo/a.json',
      'shop.db',
      'src/.app.ts.swp',
      'app.ts~',
    ]
    expect(ignored.map(isWatched)).toEqual(ignored.map(() => false))
  })

  it('sees a file written in place, a file replaced by rename (an editor save) and a file in a new directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-watch-'))
    mkdirSync(join(dir, 'src'))
    writeFileSync(join(dir, 'src', 'app.ts'), 'v1')
    const seen: string[] = []
    const stop = watchSources(dir, (file) => seen.push(file), { debounce: 50 })
    try {
      const expectChange = async (file: string, change: () => void) => {
        const before = seen.length
        change()
        await poll(
          async () => seen.length > before,
          5000,
          () => `a change of ${file} (seen: ${seen})`,
        )
        expect(seen.at(-1)).toBe(file)
      }
      await expectChange(join('src', 'app.ts'), () => writeFileSync(join(dir, 'src', 'app.ts'), 'v2'))
      for (const version of ['v3', 'v4']) {
        await expectChange(join('src', 'app.ts'), () => {
          writeFileSync(join(dir, 'src', 'app.ts.tmp'), version)
          renameSync(join(dir, 'src', 'app.ts.tmp'), join(dir, 'src', 'app.ts'))
        })
      }
      await expectChange(join('src', 'routes', 'items.ts'), () => {
        mkdirSync(join(dir, 'src', 'routes'))
        writeFileSync(join(dir, 'src', 'routes', 'items.ts'), 'x')
      })
      const before = seen.length
      mkdirSync(join(dir, 'node_modules'))
      writeFileSync(join(dir, 'node_modules', 'dep.js'), 'x')
      writeFileSync(join(dir, 'shop.db'), 'x')
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(seen.length).toBe(before)
    } finally {
      stop()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 30_000)
})
