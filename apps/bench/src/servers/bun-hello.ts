// Reference on Bun: Bun.serve with no framework, the JSON answered directly.
import { serveFetch } from './env.ts'

await serveFetch(() => Response.json({ message: 'Hello World' }))
