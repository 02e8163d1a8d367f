// Tandem on workerd: the App is the Worker (`export default app`), as @tandem/workerd documents.
import { App } from '@tandem/core'

const app = new App()
app.get('/', () => ({ message: 'Hello World' }))

export default app
