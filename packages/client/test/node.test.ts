import { serve, type TandemServer } from '@tandem/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, testClient } from '../src/index.ts'
import { app } from './shop.ts'
import { clientSuite } from './suite.ts'

let server: TandemServer
beforeAll(async () => {
  server = (await serve(app, { port: 0, pool: false }))!
})
afterAll(() => server?.close())

clientSuite('against a real Node server', () => createClient<typeof app>(server.url))

describe('WebSocket routes, against a real Node server', () => {
  it('opens a socket with typed inputs, sends and reads typed JSON messages', async () => {
    const client = createClient<typeof app>(server.url)
    const socket = await client.ws('/rooms/:room', {
      params: { room: 'lobby' },
      query: { shout: true },
      headers: { 'x-user': 'ann' },
    })
    const welcome = await socket.receive()
    expect(welcome).toEqual({ text: 'welcome ann', room: 'lobby', at: '2026-01-02T03:04:05.000Z' })
    socket.send({ text: 'hi' })
    socket.send({ text: 'there' })
    const seen: string[] = []
    for await (const message of socket) {
      seen.push(message.text)
      if (seen.length === 2) break
    }
    expect(seen).toEqual(['HI', 'THERE'])
    socket.close()
    expect(await socket.closed).toMatchObject({ code: 1000 })
    await expect(socket.receive()).rejects.toThrow(/is closed \(1000/)
  })

  it('sends the client default headers, and reads until the server closes', async () => {
    const client = createClient<typeof app>(server.url, { headers: { 'x-user': 'bob' } })
    const socket = await client.ws('/rooms/:room', { params: { room: 'a/b' } })
    expect(await socket.receive()).toMatchObject({ text: 'welcome bob', room: 'a/b' })
    socket.send({ text: '' }) // invalid for the route's receive schema: the handler fails, the server closes
    const rest = []
    for await (const message of socket) rest.push(message)
    expect(rest).toEqual([])
    expect((await socket.closed).code).not.toBe(1000)
  })

  it('reads a refused handshake as a close, rejects without a route, and testClient() says sockets need a server', async () => {
    const client = createClient<typeof app>(server.url)
    // The route refuses an invalid input as the server does: opened, then closed with 1008.
    const refused = await client.ws('/rooms/:room', {
      params: { room: 'x' },
      query: { shout: 'maybe' as never },
    })
    expect((await refused.closed).code).toBe(1008)
    await expect(refused.receive()).rejects.toThrow(/is closed \(1008/)
    // No WebSocket route there: the server answers 404, and the socket never opens.
    await expect(client.ws('/nowhere' as '/rooms/:room', { params: { room: 'x' } })).rejects.toThrow(
      /closed before it opened/,
    )
    await expect(testClient(app).ws('/rooms/:room', { params: { room: 'x' } })).rejects.toThrow(
      /createClient\(\) on a served app/,
    )
  })
})
