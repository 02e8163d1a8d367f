/**
 * The HTTP half of an app that a pool worker never needs: the routing engine (Hono), the OpenAPI
 * document and the docs pages. `app.ts` loads it with a dynamic import everywhere but in a pool
 * worker, so a worker loads neither Hono nor the OpenAPI code (a bundle keeps it in a chunk of its own).
 */
export { Engine } from './http/engine.ts'
export { appDocument } from './openapi/app-document.ts'
export { mountDocs } from './openapi/routes.ts'
