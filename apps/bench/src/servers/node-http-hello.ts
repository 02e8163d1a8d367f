// Reference: node:http with no framework.
import { createServer } from 'node:http'
import { hostname, port } from './env.ts'

createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ message: 'Hello World' }))
}).listen(port, hostname)
