import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'

const bin = join(import.meta.dirname, '..', 'dist', 'cli.js')
const fixtures = join(import.meta.dirname, 'fixtures')
const bun = join(dirname(createRequire(import.meta.url).resolve('bun/package.json')), 'bin', 'bun.exe')

/** Runs the real bin, as a user would, on `runtime`. */
function tandem(runtime: 'node' | 'bun', args: string[], cwd = fixtures) {
  const result = spawnSync(runtime === 'node' ? process.execPath : bun, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 30_000,
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

for (const runtime of ['node', 'bun'] as const) {
  describe(`tandem on ${runtime}`, () => {
    it('lists the routes with their mode and dependencies, finding src/app.ts-style entries by convention', () => {
      const dir = mkdtempSync(join(tmpdir(), 'tandem-cli-'))
      writeFileSync(
        join(dir, 'package.json'),
        JSON.stringify({ tandem: { entry: join(fixtures, 'app.ts') } }),
      )
      for (const result of [tandem(runtime, ['routes', 'app.ts']), tandem(runtime, ['routes'], dir)]) {
        expect(result.stderr).toBe('')
        expect(result.status).toBe(0)
        const lines = result.stdout.trim().split('\n')
        expect(lines[0]).toMatch(/^METHOD\s+PATH\s+MODE\s+DEPENDENCIES$/)
        expect(lines.slice(1).map((line) => line.split(/\s{2,}/))).toEqual([
          ['GET', '/items/:id', 'async', 'audit, db'],
          ['GET', '/health', 'plain', 'audit'],
          ['POST', '/reports', 'blocking', 'audit'],
          ['WS', '/feed', 'async', 'audit, db'],
        ])
      }
      const json = JSON.parse(tandem(runtime, ['routes', 'app.ts', '--json']).stdout)
      expect(json).toContainEqual({
        method: 'POST',
        path: '/reports',
        mode: 'blocking',
        dependencies: ['audit'],
      })
    })

    it('prints the OpenAPI document, or writes it to a file, as /openapi.json serves it', () => {
      const printed = tandem(runtime, ['openapi', 'app.ts'])
      expect(printed.status).toBe(0)
      const document = JSON.parse(printed.stdout)
      expect(document.info).toEqual({ title: 'Fixture shop', version: '2.0.0' })
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining(['/items/{id}', '/health', '/reports']),
      )
      const file = join(mkdtempSync(join(tmpdir(), 'tandem-cli-')), 'openapi.json')
      expect(tandem(runtime, ['openapi', 'app.ts', '--output', file]).status).toBe(0)
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(document)
    })

    it('reads the app of an entry that calls serve() without listening', () => {
      const result = tandem(runtime, ['routes', 'serving.ts'])
      expect(result.stderr).toBe('')
      expect(result.status).toBe(0)
      expect(result.stdout).toContain('/items/:id')
    })

    it('says what is wrong, with exit code 2: no entry, a wrong entry, no app, an unknown command or option', () => {
      const empty = mkdtempSync(join(tmpdir(), 'tandem-cli-'))
      const cases: [string[], string, RegExp][] = [
        [['routes'], empty, /no entry given and none found .*src\/app\.ts, app\.ts/],
        [['routes', 'missing.ts'], fixtures, /the entry missing\.ts does not exist/],
        [
          ['openapi', 'no-app.ts'],
          fixtures,
          /exports no app\. Export it as `export const app = new App\(\)`/,
        ],
        [['run', 'missing.ts'], fixtures, /the entry missing\.ts does not exist/],
        [['dev', 'missing.ts'], fixtures, /the entry missing\.ts does not exist/],
        [['run', 'no-app.ts', '--port', '0'], fixtures, /no-app\.ts exports no app\./],
        [['serve'], fixtures, /unknown command "serve"\. Commands: dev, run, routes, openapi/],
        [['routes', '--watch'], fixtures, /unknown option --watch/],
        [['run', 'app.ts', '--workers', 'two'], fixtures, /--workers must be a whole number from 1/],
        [['run', 'app.ts', '--port'], fixtures, /--port needs a value\. See tandem run --help/],
        [['dev', '--json'], fixtures, /unknown option --json\. See tandem dev --help/],
      ]
      for (const [args, cwd, message] of cases) {
        const result = tandem(runtime, args, cwd)
        expect(result.stderr).toMatch(message)
        expect(result.status).toBe(2)
      }
    })

    it('shows help for the tool and for each command', () => {
      expect(tandem(runtime, []).stdout).toMatch(/Usage: tandem <command> \[entry\]/)
      expect(tandem(runtime, ['routes', '--help']).stdout).toMatch(
        /Usage: tandem routes \[entry\] \[--json\]/,
      )
      expect(tandem(runtime, ['openapi', '-h']).stdout).toMatch(/--output FILE, -o FILE/)
      const dev = tandem(runtime, ['dev', '--help']).stdout
      expect(dev).toMatch(/Usage: tandem dev \[entry\] \[--port N\] \[--host H\]/)
      expect(dev).toMatch(/restarted, on the same\s+port/)
      const run = tandem(runtime, ['run', '-h']).stdout
      expect(run).toMatch(/Usage: tandem run \[entry\] \[--port N\] \[--host H\] \[--workers N\]/)
      expect(run).toMatch(/0\.0\.0\.0 serves every interface/)
    })
  })
}
