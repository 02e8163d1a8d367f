// The app as a Worker for workerd: `export default app`, bundled with esbuild.
import { isWorkerd } from '@tandem/workerd'
import { app } from './app.ts'

app.get('/runtime', () => ({ workerd: isWorkerd() }))

export default app
