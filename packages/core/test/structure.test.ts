/// <reference types="node" />
// The shape of core, checked: each entry's public names (a change is a visible diff, with a
// changeset), no import cycles, which part may import which, what a pool worker can load, and the
// size of source files. Read with docs/architecture.md, which draws the same picture.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const SRC = resolve(import.meta.dirname, '../src')

/** Core's entries: package subpath → source module. */
const ENTRIES = {
  '@tandem/core': 'index.ts',
  '@tandem/core/adapter': 'adapter/index.ts',
  '@tandem/core/pool': 'pool/index.ts',
  '@tandem/core/openapi': 'openapi/index.ts',
  '@tandem/core/testing': 'testing/index.ts',
  '@tandem/core/loops': 'loops/index.ts',
  '@tandem/core/docs-assets': 'openapi/docs-assets.ts',
}

interface Module {
  /** Relative imports that stay at run time (`import type` and `export type` are erased). */
  runtime: string[]
  /** Every relative import, types included. */
  all: string[]
  /** Packages imported at run time (`hono`, `hono/utils/url`...). */
  packages: string[]
  lines: number
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sources(path)
    return /\.ts$/.test(name) && !/\.test(-d)?\.ts$|\.d\.ts$/.test(name) ? [path] : []
  })
}

/** Core's source modules by path relative to src/, with their static imports (dynamic ones are not followed). */
function graph(): Map<string, Module> {
  const modules = new Map<string, Module>()
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8')
    const module: Module = { runtime: [], all: [], packages: [], lines: text.split('\n').length }
    for (const [, , typeOnly, specifier] of text.matchAll(
      /^(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?'([^']+)'/gms,
    )) {
      const erased = typeOnly !== undefined
      if (specifier!.startsWith('.')) {
        const target = relative(SRC, resolve(dirname(file), specifier!))
        module.all.push(target)
        if (!erased) module.runtime.push(target)
      } else if (!erased && !specifier!.startsWith('node:')) {
        module.packages.push(specifier!)
      }
    }
    modules.set(relative(SRC, file), module)
  }
  return modules
}

const modules = graph()

/** The modules `start` loads at run time, itself included. */
function closure(start: string): Set<string> {
  const seen = new Set<string>()
  const visit = (path: string) => {
    if (seen.has(path)) return
    seen.add(path)
    for (const next of modules.get(path)?.runtime ?? []) visit(next)
  }
  visit(start)
  return seen
}

/** The part a module belongs to: its folder, or its name for a module at src/'s top. */
const part = (path: string) => (path.includes('/') ? path.split('/')[0]! : path.replace(/\.ts$/, ''))

describe("core's entries", () => {
  const program = ts.createProgram(
    Object.values(ENTRIES).map((entry) => join(SRC, entry)),
    {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      allowImportingTsExtensions: true,
      noEmit: true,
      strict: true,
      types: [],
    },
  )
  const checker = program.getTypeChecker()

  for (const [name, entry] of Object.entries(ENTRIES)) {
    it(`${name} exports the names of its snapshot`, async () => {
      const source = program.getSourceFile(join(SRC, entry))!
      const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!)
      const lines = exports
        .map((symbol) => {
          const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
          const value = (target.flags & ts.SymbolFlags.Value) !== 0
          return `${symbol.name}${value ? '' : ' (type)'}`
        })
        .sort()
      await expect(`${lines.join('\n')}\n`).toMatchFileSnapshot(
        `./__snapshots__/${name.replace('@tandem/', '').replace('/', '-')}.exports.txt`,
      )
    })
  }

  it('@tandem/core exports no adapter or pool plumbing', () => {
    const exported = Object.keys(ENTRIES).length // keeps the entries list honest
    expect(exported).toBe(7)
    const main = readFileSync(join(SRC, 'index.ts'), 'utf8')
    for (const plumbing of [
      './pool/',
      './adapter/',
      'setScheduler',
      'setBodyReader',
      'setCodeCompiler',
      'registerWorkerApp',
    ]) {
      expect(main).not.toContain(plumbing)
    }
  })
})

describe("core's import graph", () => {
  it('has no import cycles (types included)', () => {
    const cycles: string[][] = []
    const index = new Map<string, number>()
    const low = new Map<string, number>()
    const stack: string[] = []
    let counter = 0
    const connect = (path: string) => {
      index.set(path, counter)
      low.set(path, counter++)
      stack.push(path)
      for (const next of modules.get(path)!.all) {
        if (!modules.has(next)) continue
        if (!index.has(next)) {
          connect(next)
          low.set(path, Math.min(low.get(path)!, low.get(next)!))
        } else if (stack.includes(next)) low.set(path, Math.min(low.get(path)!, index.get(next)!))
      }
      if (low.get(path) === index.get(path)) {
        const component: string[] = []
        let member: string
        do {
          member = stack.pop()!
          component.push(member)
        } while (member !== path)
        if (component.length > 1) cycles.push(component.sort())
      }
    }
    for (const path of modules.keys()) if (!index.has(path)) connect(path)
    expect(cycles).toEqual([])
  })

  it('keeps each part to the parts below it', () => {
    // What each lower part may import (types included); every part may import itself.
    const allowed: Record<string, string[]> = {
      // The contract: Scheduler, RemoteExecution, blocking(), the inline scheduler.
      execution: [],
      validation: ['errors', 'openapi/types.ts'],
      // The pool and its worker runtime: the contract, errors, and what a rebuilt context holds.
      pool: ['execution', 'errors', 'background', 'response-state'],
      di: [
        'execution',
        'validation',
        'errors',
        'background',
        'response-state',
        'request',
        'route',
        'openapi/types.ts',
      ],
      testing: ['execution', 'pool', 'errors'],
      // Processes sharing a port: only the adapter contract's types.
      loops: ['adapter/contract.ts'],
    }
    const wrong: string[] = []
    for (const [path, module] of modules) {
      const rules = allowed[part(path)]
      if (!rules) continue
      for (const target of module.all) {
        if (part(target) === part(path)) continue
        if (!rules.includes(part(target)) && !rules.includes(target)) wrong.push(`${path} → ${target}`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('lets a pool worker load neither Hono nor the OpenAPI code', () => {
    // A worker loads the pool entry, then the app's entry module, which imports @tandem/core (and an
    // adapter); app.ts loads web.ts (Hono, OpenAPI) with a dynamic import that a worker skips.
    const loaded = new Set([
      ...closure('pool/index.ts'),
      ...closure('index.ts'),
      ...closure('adapter/index.ts'),
    ])
    expect(loaded.has('app.ts')).toBe(true)
    expect(
      [...loaded].filter(
        (path) =>
          path === 'web.ts' ||
          path.startsWith('http/engine') ||
          (path.startsWith('openapi/') && path !== 'openapi/types.ts'),
      ),
    ).toEqual([])
    expect(
      [...loaded].filter((path) =>
        modules.get(path)!.packages.some((p) => p === 'hono' || p.startsWith('hono/')),
      ),
    ).toEqual([])
    // The check can see Hono: the engine itself imports it.
    expect(modules.get('http/engine.ts')!.packages).toContain('hono')
  })

  it('keeps node:child_process (the loops entry) out of what an app or a workerd adapter loads', () => {
    const loaded = new Set([
      ...closure('index.ts'),
      ...closure('adapter/index.ts'),
      ...closure('pool/index.ts'),
    ])
    expect([...loaded].filter((path) => path.startsWith('loops/'))).toEqual([])
    const workerd = resolve(SRC, '../../workerd/src')
    const users = sources(workerd).filter((file) => readFileSync(file, 'utf8').includes('@tandem/core/loops'))
    expect(users).toEqual([])
  })

  it("keeps source files to about 300 lines, core's and the adapters'", () => {
    const packages = resolve(SRC, '../..')
    const files = ['core', 'node', 'bun', 'workerd'].flatMap((name) => sources(join(packages, name, 'src')))
    const long = files
      .map((file) => [relative(packages, file), readFileSync(file, 'utf8').split('\n').length] as const)
      .filter(([, lines]) => lines > 310)
      .map(([path, lines]) => `${path}: ${lines}`)
    expect(long).toEqual([])
  })
})
