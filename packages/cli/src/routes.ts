import type { App } from '@tandem/core'
import { isBlocking } from '@tandem/core'

/** One line of `tandem routes`. */
export interface RouteLine {
  method: string
  path: string
  /** Where the handler runs: `async` (awaited on the loop), `plain` (called on the loop), `blocking` (on the pool). */
  mode: 'async' | 'plain' | 'blocking'
  dependencies: string[]
}

/** The mode of a function, as Tandem runs it. */
export function modeOf(fn: Function): RouteLine['mode'] {
  if (isBlocking(fn)) return 'blocking'
  const kind = fn.constructor?.name
  return kind === 'AsyncFunction' || kind === 'AsyncGeneratorFunction' ? 'async' : 'plain'
}

type Named = { name?: string; fn?: { name?: string } }
const nameOf = (dependency: Named, key?: string) =>
  key ?? dependency.name ?? dependency.fn?.name ?? 'anonymous'

/**
 * The app's routes, HTTP then WebSocket, with their handler's mode and their dependencies (the
 * app's, routers' and route's own, in the order they run).
 *
 * @example
 * routeLines(app) // [{ method: 'GET', path: '/items/:id', mode: 'async', dependencies: ['db'] }]
 */
export function routeLines(app: App<any, any>): RouteLine[] {
  const lines: RouteLine[] = app.routes().map((route) => {
    const declaration = route.endpoint.declaration as { deps?: Record<string, Named>; dependencies?: Named[] }
    return {
      method: route.endpoint.method,
      path: route.path,
      mode: modeOf(route.endpoint.handler),
      dependencies: [
        ...route.dependencies.map((d) => nameOf(d as Named)),
        ...(declaration.dependencies ?? []).map((d) => nameOf(d)),
        ...Object.entries(declaration.deps ?? {}).map(([key, d]) => nameOf(d, key)),
      ],
    }
  })
  for (const socket of app.mountedWebSockets()) {
    const declaration = socket.route.declaration as { deps?: Record<string, Named>; dependencies?: Named[] }
    lines.push({
      method: 'WS',
      path: socket.path,
      mode: modeOf(socket.route.handler),
      dependencies: [
        ...socket.effects.map((d) => nameOf(d as Named)),
        ...(declaration.dependencies ?? []).map((d) => nameOf(d)),
        ...Object.entries(declaration.deps ?? {}).map(([key, d]) => nameOf(d, key)),
      ],
    })
  }
  return lines
}

/** `routeLines` as an aligned table. */
export function formatRoutes(lines: RouteLine[]): string {
  const rows = [
    ['METHOD', 'PATH', 'MODE', 'DEPENDENCIES'],
    ...lines.map((l) => [l.method, l.path, l.mode, l.dependencies.join(', ')]),
  ]
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]!.length)))
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}
