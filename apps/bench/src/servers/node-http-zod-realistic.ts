// Reference: the realistic route on node:http with no framework, only JSON.parse and the same Zod
// schemas: what the route costs when nothing else runs (the floor a framework adds to).
import { createServer, type ServerResponse } from 'node:http'
import { z } from 'zod'
import { buildOrder, findAccount, getPricing, OrderIn, OrderOut } from '../shared/order.ts'
import { hostname, port } from './env.ts'

const Id = z.coerce.number().int()

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

createServer((req, res) => {
  const url = req.url ?? '/'
  const query = url.indexOf('?')
  const path = query === -1 ? url : url.slice(0, query)
  const match = /^\/orders\/([^/]+)$/.exec(path)
  if (req.method !== 'POST' || !match) return send(res, 404, { detail: 'Not Found' })
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.on('end', () => {
    const id = Id.safeParse(match[1])
    const verbose = new URLSearchParams(query === -1 ? '' : url.slice(query + 1)).get('verbose') === 'true'
    const key = req.headers['x-api-key']
    let json: unknown
    try {
      json = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      return send(res, 400, { detail: 'Invalid JSON' })
    }
    const body = OrderIn.safeParse(json)
    if (!id.success || !body.success || typeof key !== 'string')
      return send(res, 422, { detail: 'Invalid input' })
    const account = findAccount(key)
    if (!account) return send(res, 401, { detail: 'Invalid API key' })
    const pricing = getPricing(body.data.currency, body.data.shippingAddress.country)
    send(res, 200, OrderOut.parse(buildOrder(id.data, verbose, body.data, account, pricing)))
  })
}).listen(port, hostname)
