// Reference on Node: the `ws` library with no framework, each JSON message parsed and echoed as JSON.
import { WebSocketServer } from 'ws'
import { hostname, port } from './env.ts'

const server = new WebSocketServer({ port, host: hostname, clientTracking: false })
server.on('connection', (socket) => {
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as { text: string }
    socket.send(JSON.stringify({ echo: message.text }))
  })
})
