import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'

/** A real `node` process serving a fixture, for HTTP-level tests. Stopped by its PID. */
export interface ServerProcess {
  url: string
  child: ChildProcess
  output: () => string
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
  /**
   * Resolves once the output contains `text` (or `text(output)` holds); rejects after `timeout` ms
   * with the output.
   */
  waitFor: (text: string | ((output: string) => boolean), timeout?: number) => Promise<void>
}

/** Starts `node <fixture>` and resolves once it prints `READY <url>` (or rejects with its output). */
export async function startServer(fixture: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'fixtures', fixture)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  // 'close', not 'exit': the last lines the process wrote may still be in the pipe at 'exit'.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${fixture} did not start within 20 s:\n${output}`)),
      20_000,
    )
    const onData = (chunk: Buffer) => {
      output += chunk
      const ready = /READY (\S+)/.exec(output)
      if (ready) {
        clearTimeout(timer)
        resolve(ready[1]!)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`${fixture} exited with code ${code} before it was ready:\n${output}`))
    })
  })
  return {
    url,
    child,
    output: () => output,
    waitFor: async (text, timeout = 5000) => {
      const deadline = Date.now() + timeout
      const seen = typeof text === 'string' ? () => output.includes(text) : () => text(output)
      while (!seen()) {
        if (Date.now() > deadline)
          throw new Error(`${fixture} did not print "${String(text)}" in ${timeout} ms:\n${output}`)
        await new Promise((r) => setTimeout(r, 20))
      }
    },
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) process.kill(child.pid!, signal)
      return exited
    },
  }
}

/** Runs `node <fixture>` to its end and gives its exit code and output. */
export async function runToEnd(fixture: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'fixtures', fixture)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk))
  const timer = setTimeout(() => process.kill(child.pid!, 'SIGKILL'), 20_000)
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
  clearTimeout(timer)
  return { code, output }
}
