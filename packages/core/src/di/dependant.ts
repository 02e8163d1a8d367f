import { z } from 'zod'
import { TandemConfigError } from '../errors.ts'
import type {
  ParameterSpec,
  RequestBodySpec,
  SecurityRequirement,
  SecuritySchemeObject,
} from '../openapi/types.ts'
import type { DependencyDeclaration } from '../route.ts'
import { InputValidator } from '../validation/inputs.ts'
import { acceptsMissing } from '../validation/schema.ts'
import type { Dependency } from './dependency.ts'

const headerWire = (key: string) => key.toLowerCase().replaceAll('_', '-')

/** The input validators of one declaration, compiled once. */
export interface CompiledInputs {
  params?: InputValidator
  query?: InputValidator
  headers?: InputValidator
  cookies?: InputValidator
  form?: InputValidator
  body?: z.ZodType
}

/** A sub-dependency of a node: injected under `name`, or run for its effects. */
export interface Child {
  name: string | undefined
  dep: Dependency<unknown>
}

/**
 * The analysis of one declaration (a route's or a dependency's), done once: its input validators
 * and its sub-dependencies in resolution order (`dependencies` first, then `deps`).
 */
export class Dependant {
  readonly label: string
  readonly inputs: CompiledInputs
  readonly children: Child[]
  readonly hasInputs: boolean

  constructor(declaration: DependencyDeclaration, label: string, effects: Dependency<unknown>[] = []) {
    this.label = label
    const d = declaration
    if (d.body && d.form) {
      throw new TandemConfigError(`${label} declares both body and form: a request has one body. Keep one.`)
    }
    this.inputs = {
      ...(d.params ? { params: new InputValidator('path', d.params) } : {}),
      ...(d.query ? { query: new InputValidator('query', d.query) } : {}),
      ...(d.headers
        ? { headers: new InputValidator('header', d.headers, { wireName: headerWire, splitLists: true }) }
        : {}),
      ...(d.cookies ? { cookies: new InputValidator('cookie', d.cookies) } : {}),
      ...(d.form ? { form: new InputValidator('body', d.form) } : {}),
      ...(d.body ? { body: d.body } : {}),
    }
    this.hasInputs = Object.keys(this.inputs).length > 0
    this.children = [
      ...effects.map((dep) => ({ name: undefined, dep })),
      ...(d.dependencies ?? []).map((dep) => ({ name: undefined, dep: dep as Dependency<unknown> })),
      ...Object.entries(d.deps ?? {}).map(([name, dep]) => ({ name, dep: dep as Dependency<unknown> })),
    ]
  }
}

const analysed = new WeakMap<DependencyDeclaration, WeakMap<Function, Dependant>>()

/** The analysis of a dependency (shared by its `.with()` variants), made on first use and kept. */
export function dependantOf(dep: Dependency<unknown>): Dependant {
  let byFn = analysed.get(dep.declaration)
  if (!byFn) {
    byFn = new WeakMap()
    analysed.set(dep.declaration, byFn)
  }
  let dependant = byFn.get(dep.fn)
  if (!dependant) {
    dependant = new Dependant(dep.declaration, `dependency "${dep.name}"`)
    byFn.set(dep.fn, dependant)
  }
  return dependant
}

/** What the OpenAPI document needs from a route's whole dependency tree. */
export interface OperationInputs {
  parameters: ParameterSpec[]
  requestBody?: RequestBodySpec
  security: SecurityRequirement[]
  securitySchemes: Record<string, SecuritySchemeObject>
  validates: boolean
}

/**
 * Gathers the parameters, body, security and scopes of a route's tree, each parameter once
 * (the first declaration wins), in resolution order.
 */
export function operationInputs(route: Dependant): OperationInputs {
  const out: OperationInputs = { parameters: [], security: [], securitySchemes: {}, validates: false }
  const seen = new Set<string>()
  const byLocation: Record<string, ParameterSpec[]> = { path: [], query: [], header: [], cookie: [] }
  // As FastAPI: a node's own parameters, then its sub-dependencies', grouped by location.
  const visit = (node: Dependant, scopes: string[], hidden: boolean) => {
    const inputs = node.inputs
    if (node.hasInputs) out.validates = true
    if (!hidden) {
      for (const validator of [inputs.params, inputs.query, inputs.headers, inputs.cookies]) {
        if (!validator) continue
        for (const parameter of validator.parameters()) {
          const key = `${parameter.in}:${parameter.name}`
          if (seen.has(key)) continue
          seen.add(key)
          byLocation[parameter.in]!.push(parameter)
        }
      }
      if (!out.requestBody && inputs.body) {
        out.requestBody = {
          schema: inputs.body,
          contentTypes: ['application/json'],
          required: !acceptsMissing(inputs.body),
        }
      } else if (!out.requestBody && inputs.form) {
        out.requestBody = {
          schema: inputs.form.schema,
          contentTypes: ['multipart/form-data', 'application/x-www-form-urlencoded'],
          required: true,
        }
      }
    }
    for (const child of node.children) {
      const dep = child.dep
      const childScopes = [...new Set([...scopes, ...dep.scopes])]
      if (dep.security) {
        out.securitySchemes[dep.security.name] = dep.security.scheme
        const key = `security:${dep.security.name}|${childScopes.join(' ')}`
        if (!seen.has(key)) {
          seen.add(key)
          out.security.push({ [dep.security.name]: childScopes })
        }
      }
      visit(dependantOf(dep), childScopes, hidden || dep.hideParameters)
    }
  }
  visit(route, [], false)
  out.parameters = [...byLocation.path!, ...byLocation.query!, ...byLocation.header!, ...byLocation.cookie!]
  return out
}

/** Path parameters every node of the tree declares (checked against the route's path). */
export function declaredPathParams(route: Dependant): string[] {
  const names: string[] = []
  const visit = (node: Dependant) => {
    if (node.inputs.params) names.push(...node.inputs.params.wireNames())
    for (const child of node.children) visit(dependantOf(child.dep))
  }
  visit(route)
  return [...new Set(names)]
}

/** A path parameter without a declared schema is a string. */
export const STRING_SCHEMA = z.string()
