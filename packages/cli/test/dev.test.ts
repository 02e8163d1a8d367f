import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { fixtures, freePort, get, killAll, poll, runtimes, startTandem, waitForAnswer } from './processes.ts'

const template = readFileSync(join(fixtures, 'served.ts'), 'utf8')
const tmp: string[] = []

/** A copy of the served fixture as `app.ts` of its own project, under test/.tmp (so @tandem/core resolves). */
function project(): string {
  const dir = join(import.meta.dirname, '.tmp', `dev-${process.pid}-${Math.random().toString(36).slice(2)}`)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'dev-fixture', type: 'module' }))
  writeFileSync(join(dir, 'app.ts'), template)
  tmp.push(dir)
  return dir
}

afterEach(() => {
  killAll()
  for (const dir of tmp.splice(0)) rmSync(dir, { recursive: true, force: true })
})

for (const runtime of runtimes) {
  describe(`tandem dev on ${runtime}`, () => {
    it('reloads on change on the same port (pool workers too), survives a broken edit, stops on SIGTERM', async () => {
      const dir = project()
      const port = await freePort()
      const url = `http://127.0.0.1:${port}`
      const dev = startTandem(runtime, ['dev', '--port', String(port)], dir)
      await dev.waitFor(new RegExp(`serving app\\.ts on ${url} \\(docs: ${url}/docs\\)`))
      await dev.waitFor(new RegExp(`listening on ${url} \\(docs: ${url}/docs\\)`))
      expect((await get(port, '/version')).body).toEqual({ version: 'v1' })
      expect((await get(port, '/blocking')).body.version).toBe('v1')

      writeFileSync(join(dir, 'app.ts'), template.replace("'v1'", "'v2'"))
      await waitForAnswer(port, '/version', 'version', 'v2')
      expect((await get(port, '/blocking')).body.version).toBe('v2')
      expect(dev.output()).toContain('[tandem] app.ts changed; reloading')

      writeFileSync(join(dir, 'app.ts'), `${template}\nexport const = broken\n`)
      await dev.waitFor(/the app did not start \(the error is above\); waiting for a change/)
      expect(dev.child.exitCode).toBe(null)
      await expect(get(port, '/version')).rejects.toThrow(/ECONNREFUSED/)

      // Fixed as an editor that saves by rename would.
      writeFileSync(join(dir, 'app.ts.saving'), template.replace("'v1'", "'v3'"))
      renameSync(join(dir, 'app.ts.saving'), join(dir, 'app.ts'))
      await waitForAnswer(port, '/version', 'version', 'v3')
      expect((await get(port, '/blocking')).body.version).toBe('v3')

      dev.child.kill('SIGTERM')
      expect(await dev.exited).toEqual({ code: 0, signal: null })
      await expect(get(port, '/version')).rejects.toThrow(/ECONNREFUSED/)
    }, 90_000)

    it('stops the app when killed outright (SIGKILL), freeing the port', async () => {
      const port = await freePort()
      const dev = startTandem(runtime, ['dev', 'served.ts', '--port', String(port)])
      await dev.waitFor(/listening on http/)
      expect((await get(port, '/version')).status).toBe(200)
      dev.child.kill('SIGKILL')
      await poll(
        () =>
          get(port, '/version').then(
            () => false,
            (error) => /ECONNREFUSED/.test(String(error)),
          ),
        10_000,
        () => 'the app to stop after its watcher was killed',
      )
    }, 30_000)

    it('says so in one line when the port is taken, and exits 1', async () => {
      const { createServer } = await import('node:net')
      const holder = createServer()
      const port = await freePort()
      await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve))
      try {
        const dev = startTandem(runtime, ['dev', 'served.ts', '--port', String(port)])
        expect((await dev.exited).code).toBe(1)
        expect(dev.output().trim()).toBe(
          `tandem: port ${port} on 127.0.0.1 is in use. Stop what uses it, or pick another with --port.`,
        )
      } finally {
        holder.close()
      }
    }, 30_000)
  })
}
