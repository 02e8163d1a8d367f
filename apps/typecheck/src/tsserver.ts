// Asks a real tsserver (the editor's TypeScript) for completions and times its answers: once right
// after opening the file (the project loads and the app's types are computed), once after an edit
// (a new program and checker, as while typing).
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const tsserverPath = createRequire(import.meta.url).resolve('typescript/lib/tsserver.js')

interface Message {
  type: string
  request_seq?: number
  success?: boolean
  message?: string
  body?: { entries?: { name: string }[] }
}

/** A tsserver process spoken to over its stdio protocol (Content-Length framed JSON). */
class TsServer {
  readonly #process: ChildProcess
  #buffer = Buffer.alloc(0)
  #seq = 0
  readonly #waiting = new Map<number, (message: Message) => void>()

  constructor() {
    this.#process = spawn(process.execPath, [tsserverPath, '--disableAutomaticTypingAcquisition'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    })
    this.#process.stdout!.on('data', (chunk: Buffer) => this.#read(chunk))
  }

  #read(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk])
    for (;;) {
      const headerEnd = this.#buffer.indexOf('\r\n\r\n')
      if (headerEnd === -1) return
      const length = Number(/Content-Length: (\d+)/.exec(this.#buffer.subarray(0, headerEnd).toString())?.[1])
      const start = headerEnd + 4
      if (this.#buffer.length < start + length) return
      const message = JSON.parse(this.#buffer.subarray(start, start + length).toString()) as Message
      this.#buffer = this.#buffer.subarray(start + length)
      if (message.type === 'response' && message.request_seq !== undefined) {
        this.#waiting.get(message.request_seq)?.(message)
        this.#waiting.delete(message.request_seq)
      }
    }
  }

  /** Sends a request; resolves with its response (or at once for a request without one). */
  send(command: string, args: object, answered = true): Promise<Message> {
    const seq = ++this.#seq
    const answer = answered
      ? new Promise<Message>((resolve) => this.#waiting.set(seq, resolve))
      : Promise.resolve({ type: 'none' })
    this.#process.stdin!.write(`${JSON.stringify({ seq, type: 'request', command, arguments: args })}\n`)
    return answer
  }

  close(): void {
    this.#process.kill()
  }
}

/** Line and offset (1-based, as tsserver counts) of a position in a text. */
function location(text: string, index: number): { line: number; offset: number } {
  const before = text.slice(0, index).split('\n')
  return { line: before.length, offset: before.at(-1)!.length + 1 }
}

export interface CompletionTimes {
  /** Milliseconds of the first completion after opening the file. */
  cold: number
  /** Milliseconds of a completion after an edit of the file. */
  afterEdit: number
  /** The completions offered (a check that the types were understood). */
  entries: string[]
}

/** Times completions at `cursor` (a marker in the file, removed before opening it). */
export async function completionTimes(file: string, cursor: string): Promise<CompletionTimes> {
  const marked = readFileSync(file, 'utf8')
  const index = marked.indexOf(cursor)
  const text = marked.replace(cursor, '')
  const at = location(text, index)
  const server = new TsServer()
  try {
    await server.send('open', { file, fileContent: text, scriptKindName: 'TS' }, false)
    const ask = async () => {
      const started = performance.now()
      const response = await server.send('completionInfo', { file, ...at, triggerKind: 1 })
      const elapsed = performance.now() - started
      if (!response.success) throw new Error(`tsserver refused the completion: ${response.message}`)
      return { elapsed, entries: (response.body?.entries ?? []).map((entry) => entry.name) }
    }
    const cold = await ask()
    // An edit elsewhere in the file: tsserver builds a new program and checker.
    const end = location(text, text.length)
    await server.send(
      'change',
      { file, ...end, endLine: end.line, endOffset: end.offset, insertString: '\n' },
      false,
    )
    const warm = await ask()
    return { cold: cold.elapsed, afterEdit: warm.elapsed, entries: cold.entries }
  } finally {
    server.close()
  }
}
