import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { projectDirectory } from '../src/dev.ts'
import { serveOptions } from '../src/run.ts'

describe('tandem run: options and adapter', () => {
  it('takes the command line, then the entry’s serve() options, then PORT, then 8000 and 127.0.0.1', () => {
    const entry = '/srv/shop/src/app.ts'
    const recorded = { port: 3000, hostname: '0.0.0.0', pool: { size: 4 }, shutdownTimeout: 9000 }
    expect(serveOptions(entry, undefined, {}, {})).toEqual({
      port: 8000,
      hostname: '127.0.0.1',
      entry: 'file:///srv/shop/src/app.ts',
    })
    expect(serveOptions(entry, undefined, {}, { PORT: '4000' }).port).toBe(4000)
    expect(serveOptions(entry, recorded, {}, { PORT: '4000' })).toEqual({
      ...recorded,
      entry: 'file:///srv/shop/src/app.ts',
    })
    expect(serveOptions(entry, recorded, { port: 0, hostname: '::1', workers: 2 }, {})).toMatchObject({
      port: 0,
      hostname: '::1',
      workers: 2,
      pool: { size: 4 },
    })
    // Under tandem dev a reload does not wait 25 s for an open stream, and one loop serves.
    expect(serveOptions(entry, { ...recorded, workers: 4 }, {}, { TANDEM_DEV: '1' })).toMatchObject({
      shutdownTimeout: 1000,
      workers: 1,
    })
  })

  it('names the adapter to install when neither the project nor tandem has it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-adapter-'))
    writeFileSync(join(dir, 'app.ts'), '')
    // In a process of its own, without the NODE_PATH pnpm gives vitest (it reaches every package).
    const script = `const { loadAdapter } = await import(${JSON.stringify(pathToFileURL(join(import.meta.dirname, '..', 'dist', 'index.js')).href)})
      const fallbacks = process.argv[1] === 'none' ? [] : undefined
      try { console.log(typeof (await loadAdapter(${JSON.stringify(join(dir, 'app.ts'))}, fallbacks))) }
      catch (error) { console.log(error.name, error.exitCode, error.message) }`
    const run = (fallbacks: string) =>
      spawnSync(process.execPath, ['--input-type=module', '-e', script, fallbacks], {
        encoding: 'utf8',
        env: { ...process.env, NODE_PATH: '' },
      }).stdout.trim()
    expect(run('none')).toMatch(
      /^UsageError 2 tandem: serving on Node needs @tandem\/node, .*Install it in your project: npm install @tandem\/node$/,
    )
    expect(run('tandem')).toBe('function')
  })

  it('watches the nearest directory with a package.json at or above the entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-project-'))
    expect(projectDirectory(join(dir, 'src', 'app.ts'), '/cwd')).toBe('/cwd')
    writeFileSync(join(dir, 'package.json'), '{}')
    expect(projectDirectory(join(dir, 'src', 'app.ts'), '/cwd')).toBe(dir)
  })
})
