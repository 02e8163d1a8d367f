// The Worker serves the docs pages' files itself, as Node and Bun do, so that /docs answers the same
// on the three: a bundle has Swagger UI and Redoc only when its entry imports them.
import '@tandem/core/docs-assets'
import { app } from './app.ts'

export default app
