/**
 * The files of a new project, by runtime. One app module (src/app.ts) for all three runtimes; each
 * runtime adds its entry, its test runner, its scripts and its TypeScript settings.
 */
import { compatibilityDate, type Versions } from './versions.ts'

export const RUNTIMES = ['node', 'bun', 'workerd'] as const
export type Runtime = (typeof RUNTIMES)[number]

export const PACKAGE_MANAGERS = ['npm', 'pnpm', 'bun'] as const
export type PackageManager = (typeof PACKAGE_MANAGERS)[number]

export const RUNTIME_NAMES: Record<Runtime, string> = {
  node: 'Node',
  bun: 'Bun',
  workerd: 'Cloudflare workerd',
}

export interface ProjectOptions {
  /** The package name (package.json's `name`, the app's title). */
  name: string
  runtime: Runtime
  /** The package manager the README's commands use. */
  pm: PackageManager
  versions: Versions
}

/** `npm run dev`, `pnpm dev`, `bun run dev`; `npm test`, `npm start` (`bun test` is Bun's own runner, hence `bun run test`). */
export function runCommand(pm: PackageManager, script: string): string {
  if (pm === 'pnpm') return `pnpm ${script}`
  if (pm === 'npm' && (script === 'test' || script === 'start')) return `npm ${script}`
  return `${pm} run ${script}`
}

/** Every file of the project, by path relative to its directory. */
export function projectFiles(options: ProjectOptions): Record<string, string> {
  const { runtime } = options
  return {
    'package.json': packageJson(options),
    'tsconfig.json': tsconfig(runtime),
    'src/app.ts': appModule(options.name),
    ...(runtime === 'workerd'
      ? {
          'src/worker.ts': WORKER,
          'config.capnp': capnp(compatibilityDate(options.versions.workerd)),
          'wrangler.toml': wranglerToml(options.name, compatibilityDate(options.versions.workerd)),
          'scripts/workerd.mjs': WORKERD_SCRIPT,
        }
      : { 'src/server.ts': server(runtime) }),
    'test/app.test.ts': appTest(runtime === 'bun' ? 'bun:test' : 'vitest'),
    'README.md': readme(options),
    '.gitignore': `node_modules\ndist\n*.log\n.env\n${runtime === 'workerd' ? '.wrangler\n' : ''}`,
  }
}

function packageJson({ name, runtime, versions }: ProjectOptions): string {
  const pick = (...names: (keyof Versions)[]) =>
    Object.fromEntries(names.sort().map((dependency) => [dependency, versions[dependency]]))
  const manifest = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      node: {
        dev: 'tandem dev src/server.ts',
        start: 'tandem run src/server.ts',
        test: 'vitest run',
        typecheck: 'tsc --noEmit',
      },
      bun: {
        dev: 'bunx --bun tandem dev src/server.ts',
        start: 'bunx --bun tandem run src/server.ts',
        test: 'bun test',
        typecheck: 'tsc --noEmit',
      },
      workerd: {
        build: 'node scripts/workerd.mjs build',
        dev: 'node scripts/workerd.mjs dev',
        start: 'node scripts/workerd.mjs start',
        test: 'vitest run',
        typecheck: 'tsc --noEmit',
        deploy: 'node scripts/workerd.mjs build && npx wrangler deploy',
      },
    }[runtime],
    dependencies: {
      node: pick('@tandem/core', '@tandem/node', '@tandem/cli', 'hono', 'zod'),
      bun: pick('@tandem/core', '@tandem/bun', '@tandem/cli', 'hono', 'zod'),
      workerd: pick('@tandem/core', '@tandem/workerd', 'hono', 'zod'),
    }[runtime],
    devDependencies: {
      node: pick('@types/node', 'typescript', 'vitest'),
      bun: pick('@types/bun', '@types/node', 'typescript'),
      workerd: pick('esbuild', 'typescript', 'vitest', 'workerd'),
    }[runtime],
    engines: { node: { node: '>=22.18' }, bun: { bun: '>=1.4' }, workerd: { node: '>=22' } }[runtime],
  }
  return `${JSON.stringify(manifest, null, 2)}\n`
}

function tsconfig(runtime: Runtime): string {
  const shared = {
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    moduleDetection: 'force',
    skipLibCheck: true,
  }
  const compilerOptions = {
    // Node runs src/*.ts itself, stripping the types: relative imports keep their .ts extension, and
    // only syntax that erases to JavaScript is allowed (no enum, no namespace).
    node: {
      target: 'ES2023',
      lib: ['ES2023'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      types: ['node'],
      erasableSyntaxOnly: true,
      ...shared,
    },
    bun: {
      target: 'ESNext',
      lib: ['ESNext'],
      module: 'Preserve',
      moduleResolution: 'bundler',
      types: ['bun'],
      ...shared,
    },
    // The Worker sees Web APIs only (workerd's globals), and is bundled by esbuild.
    workerd: {
      target: 'ES2023',
      lib: ['ES2023', 'WebWorker'],
      module: 'Preserve',
      moduleResolution: 'bundler',
      types: [],
      ...shared,
    },
  }[runtime]
  return `${JSON.stringify({ compilerOptions, include: ['src', 'test'] }, null, 2)}\n`
}

function appModule(name: string): string {
  return `import { App, blocking, depends } from '@tandem/core'
import { z } from 'zod'

export const app = new App({ title: '${name.replace(/[\\']/g, '\\$&')}', version: '0.1.0' })

const GREETINGS = { en: 'Hello', fr: 'Bonjour', es: 'Hola' } as const

/**
 * A dependency: it declares its own input (\`?lang=\`, validated by Zod), and its value is injected
 * into every route that lists it in \`deps\`.
 */
export const greeting = depends(
  { query: { lang: z.enum(['en', 'fr', 'es']).default('en') } },
  function greeting({ query }) {
    return GREETINGS[query.lang]
  },
)

/** An async route: awaited on the event loop, where waiting (a database client, fetch) belongs. */
app.get(
  '/hello/:name',
  {
    params: { name: z.string().min(1).max(40) },
    deps: { greeting },
    response: z.object({ message: z.string() }),
  },
  async function hello({ params, deps }) {
    await new Promise((resolve) => setTimeout(resolve, 10)) // stands for I/O: a query, a fetch
    return { message: \`\${deps.greeting}, \${params.name}!\` }
  },
)

/**
 * A blocking route: CPU-bound work declared with blocking() runs on the worker pool (inline on
 * workerd, which has no threads), so the event loop goes on serving other requests meanwhile.
 */
app.get(
  '/primes/:limit',
  { params: { limit: z.number().int().min(2).max(10_000_000) } },
  blocking(function primes({ params }) {
    // The sieve of Eratosthenes: counts the primes up to the limit.
    const composite = new Uint8Array(params.limit + 1)
    let count = 0
    for (let n = 2; n <= params.limit; n++) {
      if (composite[n]) continue
      count++
      for (let multiple = n * n; multiple <= params.limit; multiple += n) composite[multiple] = 1
    }
    return { limit: params.limit, primes: count }
  }),
)
`
}

function server(runtime: 'node' | 'bun'): string {
  const command = runtime === 'node' ? 'node src/server.ts' : 'bun src/server.ts'
  return `// The server. \`tandem dev\` and \`tandem run\` (the dev and start scripts) serve the app with the
// options given here; \`${command}\` serves it as well.
import { serve } from '@tandem/${runtime}'
import { app } from './app.ts'

// The port is PORT from the environment, else 8000. Blocking functions run on a pool of
// ${runtime === 'node' ? 'worker threads' : 'Web Workers'}, one per core; a call still running after 30 s answers 504.
await serve(app, { pool: { timeout: 30_000 } })
`
}

const WORKER = `// The Worker: workerd calls app.fetch(request, env, ctx) for each request.
import { app } from './app.ts'

export default app
`

function appTest(runner: 'vitest' | 'bun:test'): string {
  return `import { describe, expect, it } from '${runner}'
import { app } from '../src/app.ts'

// app.request() serves a request in-process, without a server (blocking functions run inline).

describe('GET /hello/:name (async, with a dependency)', () => {
  it('greets in English by default', async () => {
    const response = await app.request('/hello/Ada')
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ message: 'Hello, Ada!' })
  })

  it('greets in the language asked for', async () => {
    const response = await app.request('/hello/Ada?lang=fr')
    expect(await response.json()).toEqual({ message: 'Bonjour, Ada!' })
  })

  it('answers 422 for a language it does not know', async () => {
    const response = await app.request('/hello/Ada?lang=xx')
    expect(response.status).toBe(422)
    expect(await response.json()).toMatchObject({ detail: [{ loc: ['query', 'lang'] }] })
  })
})

describe('GET /primes/:limit (blocking)', () => {
  it('counts the primes up to the limit', async () => {
    const response = await app.request('/primes/100')
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ limit: 100, primes: 25 })
  })

  it('validates the limit', async () => {
    expect((await app.request('/primes/1')).status).toBe(422)
    expect((await app.request('/primes/ten')).status).toBe(422)
  })
})
`
}

function capnp(date: string): string {
  return `# workerd's configuration, for \`npm run dev\` and \`npm start\` (scripts/workerd.mjs): the Worker is
# the bundle of src/worker.ts. The scripts serve it on 127.0.0.1:PORT (8787 by default).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "dist/worker.js") ],
  compatibilityDate = "${date}",
  # ctx.signal aborts when a client disconnects.
  compatibilityFlags = ["enable_request_signal"],
  # Text bindings arrive in ctx.env: bindings = [ (name = "GREETING", text = "hello") ],
);
`
}

function wranglerToml(name: string, date: string): string {
  return `# Cloudflare's configuration, for \`npm run deploy\`: it deploys dist/worker.js, the bundle that
# scripts/workerd.mjs builds and workerd serves locally.
name = "${name.replace(/^@[^/]+\//, '').replace(/[^a-z0-9-]/g, '-')}"
main = "dist/worker.js"
no_bundle = true
compatibility_date = "${date}"
compatibility_flags = ["enable_request_signal"]
`
}

const WORKERD_SCRIPT = `// Bundles src/worker.ts with esbuild and serves the bundle with workerd (config.capnp).
//   node scripts/workerd.mjs build   bundle into dist/worker.js, minified
//   node scripts/workerd.mjs start   bundle, then serve on 127.0.0.1:PORT (8787 by default)
//   node scripts/workerd.mjs dev     the same, bundling again on every change (workerd reloads)
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import * as esbuild from 'esbuild'

const mode = process.argv[2] ?? 'build'
if (!['build', 'start', 'dev'].includes(mode)) {
  console.error(\`scripts/workerd.mjs: unknown mode \${mode}; use build, start or dev.\`)
  process.exit(2)
}

/** @type {import('esbuild').BuildOptions} */
const options = {
  entryPoints: ['src/worker.ts'],
  outfile: 'dist/worker.js',
  bundle: true,
  format: 'esm',
  // Each package's Worker build; node:* and cloudflare:* modules are workerd's own.
  platform: 'neutral',
  mainFields: ['module', 'main'],
  conditions: ['workerd', 'worker', 'import'],
  external: ['node:*', 'cloudflare:*'],
  minify: mode !== 'dev',
  logLevel: 'warning',
}
if (mode === 'dev') await (await esbuild.context(options)).watch()
else await esbuild.build(options)
if (mode === 'build') process.exit(0)

const workerd = join(dirname(createRequire(import.meta.url).resolve('workerd/package.json')), 'bin', 'workerd')
const address = \`127.0.0.1:\${process.env.PORT || 8787}\`
const args = ['serve', 'config.capnp', \`--socket-addr=http=\${address}\`, ...(mode === 'dev' ? ['--watch'] : [])]
const server = spawn(workerd, args, { stdio: 'inherit' })
console.log(\`serving src/worker.ts on http://\${address} (docs: http://\${address}/docs)\`)
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal))
server.on('exit', (code) => process.exit(code ?? 1))
`

function readme({ name, runtime, pm }: ProjectOptions): string {
  const run = (script: string) => runCommand(pm, script)
  const adapter = { node: '@tandem/node', bun: '@tandem/bun', workerd: '@tandem/workerd' }[runtime]
  const files =
    runtime === 'workerd'
      ? [
          '- `src/app.ts`: the app: an async route with a dependency, a blocking route, validated with Zod',
          '- `src/worker.ts`: the Worker (`export default app`)',
          '- `test/app.test.ts`: tests with `app.request()` (vitest)',
          "- `config.capnp`: workerd's configuration (local serving)",
          "- `wrangler.toml`: Cloudflare's configuration (deploying)",
          '- `scripts/workerd.mjs`: bundles the Worker with esbuild and serves it with workerd',
        ]
      : [
          '- `src/app.ts`: the app: an async route with a dependency, a blocking route, validated with Zod',
          `- \`src/server.ts\`: the server (\`serve()\` from \`${adapter}\`, its pool's options)`,
          `- \`test/app.test.ts\`: tests with \`app.request()\` (${runtime === 'bun' ? '`bun test`' : 'vitest'})`,
        ]
  const port = runtime === 'workerd' ? 8787 : 8000
  const commands = [
    [run('dev'), `serve on http://127.0.0.1:${port}, reload on change (the docs at /docs)`],
    [run('test'), 'run the tests'],
    [run('typecheck'), 'type-check'],
    [
      run('start'),
      runtime === 'workerd'
        ? 'serve the minified bundle (PORT to change the port)'
        : 'serve for production (PORT to change the port)',
    ],
  ].map(([command, what]) => `${command!.padEnd(22)}# ${what}`)
  const requirement = {
    node: 'Node.js 22.18 or later (it runs the TypeScript files directly).',
    bun: 'Bun 1.4 or later.',
    workerd: 'Node.js 22 or later (for the scripts and tests); workerd comes from its npm package.',
  }[runtime]
  const deploy =
    runtime === 'workerd'
      ? `## Deploy

\`${run('deploy')}\` bundles the Worker and runs \`npx wrangler deploy\` with \`wrangler.toml\`: it needs a
Cloudflare account (\`npx wrangler login\`). Blocking functions run inline on workerd, which has no
threads: keep them short there, or serve the same app on Node or Bun for heavy work.`
      : `## Deploy

On the server (or in a container), install and start it: \`${run('start')}\` runs \`tandem run\`, which
serves the app for production and finishes the requests in flight on SIGTERM. Options:
\`tandem run src/server.ts --host 0.0.0.0 --port 8080 --workers 4\` serves every interface (as in a
container) with 4 event loops sharing the port.`
  return `# ${name}

A [Tandem](https://github.com/tandem-framework/tandem) app on ${RUNTIME_NAMES[runtime]}, made with create-tandem.

Requires ${requirement}

## Commands

\`\`\`sh
${pm} install
${commands.join('\n')}
\`\`\`

Try it: \`curl 'http://127.0.0.1:${port}/hello/Ada?lang=fr'\` and \`curl http://127.0.0.1:${port}/primes/1000000\`.

## Files

${files.join('\n')}

${deploy}
`
}
