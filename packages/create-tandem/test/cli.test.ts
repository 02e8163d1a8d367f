// The bin's command line: what it refuses and says, what it writes, and the install it runs.
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { bin, createTandem, removeTemporary, temporaryDirectory, userEnv } from './helpers.ts'

afterAll(removeTemporary)

const workspace = join(import.meta.dirname, '..', '..')
const version = (name: string) =>
  JSON.parse(readFileSync(join(workspace, name, 'package.json'), 'utf8')).version as string

describe('create-tandem refuses, with one line on stderr and exit code 2', () => {
  it('an unknown runtime, naming the ones it knows', () => {
    const cwd = temporaryDirectory()
    const result = createTandem(['my-app', '--runtime', 'deno'], { cwd })
    expect(result.stderr.trim()).toBe(
      'create-tandem: unknown runtime "deno". Use --runtime node, bun or workerd.',
    )
    expect(result.status).toBe(2)
    expect(readdirSync(cwd)).toEqual([])
  })

  it('a directory that is not empty, writing nothing there', () => {
    const cwd = temporaryDirectory()
    mkdirSync(join(cwd, 'my-app'))
    writeFileSync(join(cwd, 'my-app', 'notes.txt'), 'mine')
    const result = createTandem(['my-app', '--runtime', 'node'], { cwd })
    expect(result.stderr.trim()).toBe(
      'create-tandem: my-app is not empty (notes.txt). Pick a new directory, or empty this one.',
    )
    expect(result.status).toBe(2)
    expect(readdirSync(join(cwd, 'my-app'))).toEqual(['notes.txt'])
  })

  it('a file in the way', () => {
    const cwd = temporaryDirectory()
    writeFileSync(join(cwd, 'my-app'), '')
    const result = createTandem(['my-app', '--runtime', 'node'], { cwd })
    expect(result.stderr).toMatch(/my-app exists and is not a directory/)
    expect(result.status).toBe(2)
  })

  it('no --runtime without a terminal to ask on, naming the flag', () => {
    const cwd = temporaryDirectory()
    const result = createTandem(['my-app'], { cwd })
    expect(result.stderr.trim()).toBe(
      'create-tandem: which runtime? There is no terminal to ask on: pass --runtime node, --runtime bun or --runtime workerd.',
    )
    expect(result.status).toBe(2)
    expect(readdirSync(cwd)).toEqual([])
  })

  it('no directory without a terminal to ask on', () => {
    const result = createTandem(['--runtime', 'node'], { cwd: temporaryDirectory() })
    expect(result.stderr).toMatch(/name the directory to create: npm create tandem@latest my-app/)
    expect(result.status).toBe(2)
  })

  it('unknown options, options without their value, a second directory, an unknown package manager', () => {
    const cwd = temporaryDirectory()
    const cases: [string[], string][] = [
      [['my-app', '--template', 'x'], 'create-tandem: unknown option --template. See create-tandem --help.'],
      [['my-app', '--runtime'], 'create-tandem: --runtime needs a value: --runtime node, bun or workerd.'],
      [
        ['my-app', '--runtime', '--yes'],
        'create-tandem: --runtime needs a value: --runtime node, bun or workerd.',
      ],
      [['a', 'b', '--runtime', 'node'], 'create-tandem: one directory only (got a and b).'],
      [
        ['my-app', '--pm', 'yarn'],
        'create-tandem: unknown package manager "yarn". Use --pm npm, pnpm or bun.',
      ],
    ]
    for (const [args, message] of cases) {
      const result = createTandem(args, { cwd })
      expect(result.stderr.trim(), args.join(' ')).toBe(message)
      expect(result.status).toBe(2)
    }
    expect(readdirSync(cwd)).toEqual([])
  })
})

describe('create-tandem writes', () => {
  it('with --yes: a Node project in my-tandem-app, without asking', () => {
    const cwd = temporaryDirectory()
    const result = createTandem(['--yes', '--no-install'], { cwd })
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('Created my-tandem-app: a Tandem app on Node.')
    const manifest = JSON.parse(readFileSync(join(cwd, 'my-tandem-app', 'package.json'), 'utf8'))
    expect(manifest.name).toBe('my-tandem-app')
    expect(manifest.dependencies).toHaveProperty('@tandem/node')
  })

  it('--runtime=value, into an empty directory or one with only .git, named after it', () => {
    const cwd = temporaryDirectory()
    mkdirSync(join(cwd, 'My Shop', '.git'), { recursive: true })
    const result = createTandem(['My Shop', '--runtime=workerd', '--no-install'], { cwd })
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('cd "My Shop"')
    const manifest = JSON.parse(readFileSync(join(cwd, 'My Shop', 'package.json'), 'utf8'))
    expect(manifest.name).toBe('my-shop')
    expect(readFileSync(join(cwd, 'My Shop', 'wrangler.toml'), 'utf8')).toContain('name = "my-shop"')
  })

  it("each @tandem package at the workspace's current version, and the peers core needs", () => {
    const cwd = temporaryDirectory()
    for (const runtime of ['node', 'bun', 'workerd']) {
      expect(createTandem([runtime, '--runtime', runtime, '--no-install'], { cwd }).status).toBe(0)
      const manifest = JSON.parse(readFileSync(join(cwd, runtime, 'package.json'), 'utf8'))
      const tandem = Object.keys(manifest.dependencies).filter((name) => name.startsWith('@tandem/'))
      expect(tandem.sort()).toEqual(
        {
          node: ['@tandem/cli', '@tandem/core', '@tandem/node'],
          bun: ['@tandem/bun', '@tandem/cli', '@tandem/core'],
          workerd: ['@tandem/core', '@tandem/workerd'],
        }[runtime],
      )
      for (const name of tandem) expect(manifest.dependencies[name]).toBe(`^${version(name.slice(8))}`)
      expect(manifest.dependencies.zod).toMatch(/^\^4\./)
      expect(manifest.dependencies.hono).toMatch(/^\^4\./)
      expect(manifest.type).toBe('module')
    }
  })

  it('the commands of the package manager that runs it (npm_config_user_agent), or of --pm', () => {
    const cwd = temporaryDirectory()
    const pnpm = createTandem(['a', '--runtime', 'node', '--no-install'], {
      cwd,
      env: { npm_config_user_agent: 'pnpm/10.34.8 npm/? node/v24.21.0 linux x64' },
    })
    expect(pnpm.stdout).toMatch(/cd a\n\s+pnpm install\n\s+pnpm dev .*\n\s+pnpm test /)
    expect(readFileSync(join(cwd, 'a', 'README.md'), 'utf8')).toContain('pnpm dev ')
    const bun = createTandem(['b', '--runtime', 'bun', '--no-install', '--pm', 'bun'], { cwd })
    expect(bun.stdout).toMatch(/cd b\n\s+bun install\n\s+bun run dev .*\n\s+bun run test /)
  })

  it('then installs with the package manager, in the project, and leaves install out of the next commands', () => {
    const cwd = temporaryDirectory()
    const fakes = temporaryDirectory()
    // A stand-in for npm that records where and how it was run.
    const npm = join(fakes, 'npm')
    writeFileSync(npm, `#!/bin/sh\necho "$PWD $*" > "${join(fakes, 'ran')}"\nexit \${FAKE_EXIT:-0}\n`)
    chmodSync(npm, 0o755)
    const env = { PATH: `${fakes}:${process.env.PATH}` }
    const result = createTandem(['my-app', '--runtime', 'node'], { cwd, env })
    expect(result.status).toBe(0)
    expect(readFileSync(join(fakes, 'ran'), 'utf8').trim()).toBe(`${join(cwd, 'my-app')} install`)
    expect(result.stdout).toContain('Installing the dependencies with npm install...')
    expect(result.stdout).not.toMatch(/npm install\n/)
    expect(result.stdout).toMatch(/cd my-app\n\s+npm run dev/)

    const failed = createTandem(['other', '--runtime', 'node'], { cwd, env: { ...env, FAKE_EXIT: '3' } })
    expect(failed.status).toBe(1)
    expect(failed.stderr).toContain(
      'create-tandem: npm install failed (it exited with code 3). The files are written',
    )
    expect(failed.stdout).toMatch(/cd other\n\s+npm install\n\s+npm run dev/)
  })

  it('--help and --version', () => {
    const cwd = temporaryDirectory()
    const help = createTandem(['--help'], { cwd })
    expect(help.status).toBe(0)
    expect(help.stdout).toContain('--runtime, -r <node|bun|workerd>')
    const own = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')).version
    expect(createTandem(['--version'], { cwd }).stdout.trim()).toBe(own)
  })
})

describe('create-tandem on a terminal', () => {
  // `script` (util-linux) gives the bin a terminal; the answer is typed once the question shows.
  const hasScript = spawnSync('script', ['--version']).status === 0

  it.skipIf(!hasScript)('asks for the runtime, by number or name', () => {
    const cwd = temporaryDirectory()
    const result = spawnSync(
      'script',
      ['-qec', `${process.execPath} ${bin} my-app --no-install`, '/dev/null'],
      {
        cwd,
        input: '2\n',
        encoding: 'utf8',
        timeout: 30_000,
        env: userEnv(),
      },
    )
    expect(result.stdout).toContain('Which runtime will serve the app?')
    expect(result.stdout).toMatch(
      /1\. node\s+Node\r?\n\s+2\. bun\s+Bun\r?\n\s+3\. workerd\s+Cloudflare workerd/,
    )
    expect(result.stdout).toContain('Created my-app: a Tandem app on Bun.')
    expect(result.status).toBe(0)
    expect(existsSync(join(cwd, 'my-app', 'src', 'server.ts'))).toBe(true)
  })
})
