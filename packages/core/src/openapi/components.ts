import type { z } from 'zod'
import { type SchemaIO, zodToJSONSchema } from './json-schema.ts'
import type { SchemaObject } from './objects.ts'

const PREFIX = '#/components/schemas/'
/** Refs are written as placeholders first: a named schema's final name is known only at the end. */
const PLACEHOLDER = '\u0000tandem:'
const ANONYMOUS_DEF = /^__schema\d+$/
const DEFS = '#/$defs/'

interface NamedDefs {
  input?: SchemaObject
  output?: SchemaObject
}

/**
 * The `components.schemas` of one document, gathered while its operations are converted. A
 * schema with an `id` in Zod's registry becomes one component referenced by `$ref`; when what a
 * client sends and what it gets back differ (defaults, transforms), it becomes two, `Id-Input` and
 * `Id-Output`, as FastAPI names them. Recursive schemas without an id become `Schema_1`, ...
 *
 * @example
 * const components = new SchemaComponents()
 * const schema = components.add(Item, 'output', 'the response of GET /items')
 * const document = { paths: { '/items': { get: { schema } } } }
 * const schemas = components.finish(document) // { Item: {...} }; document's refs now final
 */
export class SchemaComponents {
  readonly #named = new Map<string, NamedDefs>()
  readonly #fixed = new Map<string, { schema: SchemaObject; owner: string }>()
  readonly #anonymous: SchemaObject[] = []
  /** Converted schemas by their raw JSON, so a recursive schema used twice is one component. */
  readonly #seen = new Map<string, string>()

  /** Converts `schema` for `io`; the result refers to named schemas through placeholders. */
  add(schema: z.ZodType, io: SchemaIO, where: string): SchemaObject {
    const converted = zodToJSONSchema(schema, io, where)
    const key = `${io}\u0000${JSON.stringify(converted)}`
    const known = this.#seen.get(key)
    if (known !== undefined) return JSON.parse(known) as SchemaObject

    const local = new Map<string, string>()
    for (const name of Object.keys(converted.defs)) {
      local.set(
        name,
        ANONYMOUS_DEF.test(name) ? this.#reserveAnonymous() : `${PLACEHOLDER}${io}:${encodeURI(name)}`,
      )
    }
    // A recursive schema without an id refers to itself as `#`, the whole OpenAPI document here.
    const self = containsRootRef(converted) ? this.#reserveAnonymous() : undefined
    let root = rewriteLocalRefs(converted.schema, local, self)
    if (self !== undefined) {
      this.#anonymous[anonymousIndex(self)] = root
      root = { $ref: self }
    }
    for (const [name, def] of Object.entries(converted.defs)) {
      const target = local.get(name)!
      const body = rewriteLocalRefs(def, local, self)
      if (target.startsWith(`${PLACEHOLDER}anonymous:`)) this.#anonymous[anonymousIndex(target)] = body
      else this.#addNamed(name, io, body, where)
    }
    this.#seen.set(key, JSON.stringify(root))
    return root
  }

  /** Adds a component under a fixed name (`HTTPValidationError`, `Body_...`); returns its `$ref`. */
  addFixed(name: string, schema: SchemaObject, owner: string): SchemaObject {
    const existing = this.#fixed.get(name)
    if (existing && JSON.stringify(existing.schema) !== JSON.stringify(schema)) {
      throw new Error(
        `OpenAPI: ${owner} and ${existing.owner} both want the component schema "${name}" with ` +
          'different contents. Give one of them another name.',
      )
    }
    this.#fixed.set(name, { schema, owner })
    return { $ref: PREFIX + name }
  }

  /**
   * Picks every component's final name, rewrites the placeholders in `document` (and in the
   * components themselves) into `#/components/schemas/...` refs, and returns the components sorted
   * by name, as FastAPI sorts them.
   */
  finish(document: object): Record<string, SchemaObject> {
    const names = this.#resolveNames()
    const components: Record<string, SchemaObject> = {}
    const owners = new Map<string, string>()
    const put = (name: string, schema: SchemaObject, owner: string) => {
      const other = owners.get(name)
      if (other !== undefined) {
        throw new Error(
          `OpenAPI: the component schema name "${name}" is claimed by ${other} and by ${owner}. ` +
            'Give the Zod schema another id with .meta({ id }).',
        )
      }
      owners.set(name, owner)
      components[name] = schema
    }
    for (const [name, { schema, owner }] of this.#fixed) put(name, schema, owner)
    for (const [id, defs] of this.#named) {
      for (const io of ['input', 'output'] as const) {
        const def = defs[io]
        const name = def && names.get(`${io}:${id}`)
        if (def && name !== undefined && !(name in components && owners.get(name) === `schema "${id}"`)) {
          put(name, { title: id, ...def }, `schema "${id}"`)
        }
      }
    }
    this.#anonymous.forEach((schema, index) => {
      put(names.get(`anonymous:${index}`)!, schema, 'a recursive schema without an id')
    })
    const resolve = (ref: string) => {
      const name = names.get(decodeURI(ref.slice(PLACEHOLDER.length)))
      return name === undefined ? ref : PREFIX + name
    }
    rewritePlaceholders(document, resolve)
    rewritePlaceholders(components, resolve)
    return Object.fromEntries(
      Object.keys(components)
        .sort()
        .map((name) => [name, components[name]!]),
    )
  }

  #addNamed(id: string, io: SchemaIO, def: SchemaObject, where: string): void {
    const defs = this.#named.get(id) ?? {}
    const existing = defs[io]
    if (existing && JSON.stringify(existing) !== JSON.stringify(def)) {
      throw new Error(
        `OpenAPI: two different Zod schemas share the id "${id}" (the second one in ${where}). ` +
          'Give each schema its own id with .meta({ id }).',
      )
    }
    defs[io] = def
    this.#named.set(id, defs)
  }

  #reserveAnonymous(): string {
    this.#anonymous.push({})
    return `${PLACEHOLDER}anonymous:${this.#anonymous.length - 1}`
  }

  /** Final names by placeholder key (`input:Item`, `output:Item`, `anonymous:0`). */
  #resolveNames(): Map<string, string> {
    const split = this.#splitIds()
    const names = new Map<string, string>()
    for (const [id, defs] of this.#named) {
      const name = componentName(id)
      const both = split.has(id)
      if (defs.input) names.set(`input:${id}`, both ? `${name}-Input` : name)
      if (defs.output) names.set(`output:${id}`, both ? `${name}-Output` : name)
    }
    const taken = new Set([...names.values(), ...this.#fixed.keys()])
    let counter = 0
    this.#anonymous.forEach((_, index) => {
      let name: string
      do name = `Schema_${++counter}`
      while (taken.has(name))
      names.set(`anonymous:${index}`, name)
    })
    return names
  }

  /** Ids whose input and output schemas differ, themselves or through a named schema they use. */
  #splitIds(): Set<string> {
    const split = new Set<string>()
    const neutral = (def: SchemaObject) =>
      JSON.stringify(def).replaceAll(/tandem:(input|output):/g, 'tandem:')
    for (const [id, { input, output }] of this.#named) {
      if (input && output && neutral(input) !== neutral(output)) split.add(id)
    }
    for (let changed = true; changed; ) {
      changed = false
      for (const [id, { input, output }] of this.#named) {
        if (!input || !output || split.has(id)) continue
        const uses = [...JSON.stringify(input).matchAll(/\\u0000tandem:input:([^"]+)/g)]
        if (uses.some((use) => split.has(decodeURI(use[1]!)))) {
          split.add(id)
          changed = true
        }
      }
    }
    return split
  }
}

/** A Zod id as a component name: OpenAPI allows letters, digits, `.`, `-` and `_`. */
function componentName(id: string): string {
  return id.replaceAll(/[^A-Za-z0-9._-]/g, '_')
}

function anonymousIndex(placeholder: string): number {
  return Number(placeholder.slice(`${PLACEHOLDER}anonymous:`.length))
}

/** A copy of `node` with `#/$defs/x` refs replaced by placeholders and `#` by `self`. */
function rewriteLocalRefs<T>(node: T, local: Map<string, string>, self: string | undefined): T {
  if (Array.isArray(node)) return node.map((item) => rewriteLocalRefs(item, local, self)) as T
  if (node === null || typeof node !== 'object') return node
  const copy: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && value === '#' && self !== undefined) {
      copy[key] = self
    } else if (key === '$ref' && typeof value === 'string' && value.startsWith(DEFS)) {
      copy[key] = local.get(decodePointer(value.slice(DEFS.length))) ?? value
    } else {
      copy[key] = rewriteLocalRefs(value, local, self)
    }
  }
  return copy as T
}

function containsRootRef(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false
  return Object.entries(node).some(
    ([key, value]) => (key === '$ref' && value === '#') || containsRootRef(value),
  )
}

/** Replaces placeholder `$ref`s in place, everywhere under `node`. */
function rewritePlaceholders(node: unknown, resolve: (placeholder: string) => string): void {
  if (node === null || typeof node !== 'object') return
  const record = node as Record<string, unknown>
  for (const [key, value] of Object.entries(record)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith(PLACEHOLDER))
      record[key] = resolve(value)
    else rewritePlaceholders(value, resolve)
  }
}

/** Decodes one JSON Pointer segment (RFC 6901). */
function decodePointer(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~')
}
