// Clients in other languages stay possible: `tandem openapi` on the burger shop, as a user runs it
// (the CLI's bin), writes a document that openapi-typescript turns into types without a warning,
// that Redocly's `recommended` rules find only the deliberate choices listed below in, and whose
// generated types compile against the shop's real answers and agree with the typed client's.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createConfig, lint } from '@redocly/openapi-core'
import ts from 'typescript'
import { afterAll, describe, expect, it } from 'vitest'

const require = createRequire(import.meta.url)
const shop = join(import.meta.dirname, '..')
const dir = mkdtempSync(join(tmpdir(), 'burgers-openapi-'))
const documentFile = join(dir, 'openapi.json')
const typesFile = join(dir, 'schema.ts')

afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The file a package's `bin` names (what `npx <name>` runs). */
function bin(pkg: string, name: string): string {
  const manifest = require.resolve(`${pkg}/package.json`)
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> }
  return join(dirname(manifest), bin[name]!)
}

/** Runs a Node bin to its end: exit code, stdout, stderr. */
function run(file: string, args: string[], cwd: string) {
  const child = spawn(process.execPath, [file, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_PATH: '', NO_COLOR: '1' },
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  )
}

/**
 * What Redocly's `recommended` rules report on the shop's document, each a deliberate choice
 * (docs/client.md, "Clients in other languages"):
 * - no `servers`: the app does not know where it is deployed; a document without them is served
 *   from `/` (OpenAPI's default). `new App({ servers })` adds them.
 * - no `info.license`: the shop has none.
 * - no 4XX response on the two routes that take no input and no key: they answer 200 or 500.
 * - no `security` on the public routes (the menu, the kitchen's status): security is declared on
 *   the routes that need a key, as FastAPI does, not as `security: []` on every other one.
 */
const DELIBERATE = [
  'error no-empty-servers #/openapi',
  'warn info-license #/info',
  'warn operation-4xx-response #/paths/~1menu/get/responses',
  'warn operation-4xx-response #/paths/~1kitchen~1status/get/responses',
  'error security-defined #/paths/~1menu/get',
  'error security-defined #/paths/~1kitchen~1status/get',
]

/** A file that uses the generated types as a client in another project would. */
const CHECK = `
import { createClient } from ${JSON.stringify(require.resolve('@tandem/client'))}
import type { app } from ${JSON.stringify(join(shop, 'src', 'app.ts'))}
import type { components, operations, paths } from './schema.ts'

type Order = paths['/orders/{id}']['get']['responses'][200]['content']['application/json']
type OrderIn = paths['/orders']['post']['requestBody']['content']['application/json']
type Created = paths['/orders']['post']['responses'][201]['content']['application/json']
type Invalid = paths['/orders']['post']['responses'][422]['content']['application/json']
type Menu = paths['/menu']['get']['responses'][200]['content']['application/json']
type CookQuery = NonNullable<operations['cook_order_orders__id__cook_post']['parameters']['query']>

const order: Order = {
  id: 1,
  customer: 'ann',
  items: [{ burger: 'cheese', qty: 2 }],
  total: 19,
  status: 'received',
  seal: null,
  created_at: '2026-12-05T10:00:00.000Z',
}
const created: Created = order
const named: components['schemas']['Order'] = created
const body: OrderIn = { customer: 'ann', items: [{ burger: 'veggie', qty: 1 }], notes: 'no onions' }
const id: paths['/orders/{id}']['get']['parameters']['path']['id'] = 7
const rounds: CookQuery['rounds'] = 1000
const menu: Menu = [{ id: 'classic', name: 'Classic burger', price: 8.5 }]
export function where(invalid: Invalid): (string | number)[] | undefined {
  return invalid.detail?.[0]?.loc
}
export const used = [named, body, id, rounds, menu]

// @ts-expect-error: not a burger on the menu
order.items[0]!.burger = 'pizza'
// @ts-expect-error: the status is an enum
order.status = 'eaten'
// @ts-expect-error: items is required
export const noItems: OrderIn = { customer: 'ann' }
// @ts-expect-error: the path parameter is an integer
export const textId: paths['/orders/{id}']['get']['parameters']['path']['id'] = '7'
// @ts-expect-error: no such path
export type Nope = paths['/orders/{id}/eat']

// The document's types and the typed client's (from typeof app) are the same, both ways.
export async function agree(): Promise<void> {
  const client = createClient<typeof app>('http://127.0.0.1:8000')
  const read = await client.get('/orders/:id', { params: { id: 1 } })
  if (read.status === 200) {
    const fromClient: Order = read.data
    const fromDocument: typeof read.data = order
    console.log(fromClient, fromDocument)
  }
  const listed = await client.get('/menu')
  if (listed.ok) {
    const fromClient: Menu = listed.data
    const fromDocument: typeof listed.data = menu
    console.log(fromClient, fromDocument)
  }
}
`

describe('the burger shop through other tools: its OpenAPI document', () => {
  it('tandem openapi --output writes the document', async () => {
    const result = await run(
      bin('@tandem/cli', 'tandem'),
      ['openapi', 'src/app.ts', '--output', documentFile],
      shop,
    )
    expect(result).toMatchObject({ code: 0, stderr: '' })
    const document = JSON.parse(readFileSync(documentFile, 'utf8'))
    expect(document.openapi).toBe('3.1.0')
    expect(Object.keys(document.paths)).toContain('/orders/{id}')
  }, 30_000)

  it('openapi-typescript generates its types without a warning', async () => {
    const result = await run(
      bin('openapi-typescript', 'openapi-typescript'),
      [documentFile, '--output', typesFile],
      dir,
    )
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('schema.ts')
    expect(readFileSync(typesFile, 'utf8')).toContain('"/orders/{id}": {')
  }, 30_000)

  it("Redocly's recommended rules find only the deliberate choices", async () => {
    const config = await createConfig({ extends: ['recommended'] })
    const problems = await lint({ ref: documentFile, config })
    const found = problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}`)
    expect(found.sort()).toEqual([...DELIBERATE].sort())
  })

  it('the generated types compile, and agree with the typed client', () => {
    const check = join(dir, 'check.ts')
    writeFileSync(check, CHECK)
    const program = ts.createProgram([check], {
      strict: true,
      noEmit: true,
      noUncheckedIndexedAccess: true,
      target: ts.ScriptTarget.ES2023,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      allowImportingTsExtensions: true,
      skipLibCheck: true,
      types: ['node', 'bun'],
      typeRoots: [join(shop, 'node_modules', '@types')],
    })
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
    expect(diagnostics).toEqual([])
  }, 60_000)
})
