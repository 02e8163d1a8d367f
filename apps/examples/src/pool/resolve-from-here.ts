// `node --import ./resolve-from-here.ts server.ts`: the modules of docs/examples import
// @tandem/core, zod... but docs/ has no node_modules. Resolve their bare imports from this package.
// Pool workers inherit --import (a Worker's execArgv defaults to the parent's), so they get it too.
import { registerHooks } from 'node:module'

registerHooks({
  resolve(specifier, context, nextResolve) {
    const fromDocs = context.parentURL?.includes('/docs/examples/') ?? false
    const bare = !/^[./]|^[a-z]+:/i.test(specifier)
    return nextResolve(specifier, fromDocs && bare ? { ...context, parentURL: import.meta.url } : context)
  },
})
