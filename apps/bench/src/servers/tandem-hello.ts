// Tandem on Node.
import { App } from '@tandem/core'
import { serveTandem } from './tandem-serve.ts'

const app = new App()
app.get('/', () => ({ message: 'Hello World' }))

await serveTandem(app)
