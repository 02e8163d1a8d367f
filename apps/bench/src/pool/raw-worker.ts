// A raw worker_threads echo: the floor for a dispatch round trip.
import { parentPort } from 'node:worker_threads'

parentPort!.on('message', (message: [number, unknown]) => parentPort!.postMessage(message))
