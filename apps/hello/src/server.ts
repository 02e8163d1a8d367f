import { createServer } from 'node:http'

const port = Number(process.env.PORT ?? 8000)
const server = createServer((_req, res) => {
  res.setHeader('content-type', 'application/json')
  res.end(JSON.stringify({ message: 'Hello from Tandem' }))
})
server.listen(port, '127.0.0.1', () => {
  console.log(`Tandem hello app on http://127.0.0.1:${port}/`)
})
