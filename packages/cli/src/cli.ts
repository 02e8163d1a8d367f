#!/usr/bin/env node
// The `tandem` command. It runs on the runtime that launched it (`npx tandem` on Node, `bunx tandem` on Bun).
import { writeFileSync } from 'node:fs'
import { dev } from './dev.ts'
import { findEntry, loadApp, UsageError } from './entry.ts'
import { COMMANDS, HELP } from './help.ts'
import { formatRoutes, routeLines } from './routes.ts'
import { runApp } from './run.ts'

type Command = (typeof COMMANDS)[number]

/** The options each command takes, by long name; `true`: takes a value. */
const OPTIONS: Record<Command, Record<string, boolean>> = {
  dev: { port: true, host: true },
  run: { port: true, host: true, workers: true },
  routes: { json: false },
  openapi: { output: true },
}
const SHORT: Record<string, string> = { o: 'output', p: 'port', w: 'workers', h: 'help' }

interface Parsed {
  command: string | undefined
  entry: string | undefined
  flags: Map<string, string | true>
}

function parse(argv: string[]): Parsed {
  const flags = new Map<string, string | true>()
  const positional: string[] = []
  const options = (): Record<string, boolean> => OPTIONS[positional[0] as Command] ?? {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg)
      continue
    }
    const [written, inline] = arg.startsWith('--') ? splitOnce(arg.slice(2)) : [arg.slice(1), undefined]
    const name = arg.startsWith('--') ? written : SHORT[written]
    if (name === 'help') {
      flags.set('help', true)
      continue
    }
    if (!name || !(name in options()))
      throw new UsageError(`tandem: unknown option ${arg}. See ${helpFor(positional[0])}.`)
    if (!options()[name]) {
      flags.set(name, true)
      continue
    }
    const value = inline ?? argv[++i]
    if (value === undefined || value === '')
      throw new UsageError(`tandem: ${arg} needs a value. See ${helpFor(positional[0])}.`)
    flags.set(name, value)
  }
  if (positional.length > 2)
    throw new UsageError(`tandem: too many arguments (${positional.slice(2).join(' ')}).`)
  return { command: positional[0], entry: positional[1], flags }
}

const helpFor = (command: string | undefined) =>
  command && command in OPTIONS ? `tandem ${command} --help` : 'tandem --help'

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf('=')
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)]
}

/** The integer value of `--name`, checked against [min, max]; `undefined` when not given. */
function integer(flags: Parsed['flags'], name: string, min: number, max: number): number | undefined {
  const value = flags.get(name)
  if (value === undefined) return undefined
  const n = Number(value)
  if (typeof value !== 'string' || !/^\d+$/.test(value) || n < min || n > max)
    throw new UsageError(`tandem: --${name} must be a whole number from ${min} to ${max} (got ${value}).`)
  return n
}

/** Runs the command; resolves to `'serving'` when the process must stay up (dev, run). */
async function main(argv: string[]): Promise<'done' | 'serving'> {
  const { command, entry, flags } = parse(argv)
  if (!command) {
    await print(`${HELP.main}\n`)
    return 'done'
  }
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw new UsageError(
      `tandem: unknown command "${command}". Commands: ${COMMANDS.join(', ')}. See tandem --help.`,
    )
  }
  if (flags.get('help')) {
    await print(`${HELP[command]}\n`)
    return 'done'
  }
  const host = flags.get('host')
  if (command === 'dev' || command === 'run') {
    const port = integer(flags, 'port', 0, 65535)
    const hostname = typeof host === 'string' ? host : undefined
    const path = findEntry(entry, process.cwd())
    if (command === 'run') {
      await runApp(path, { port, hostname, workers: integer(flags, 'workers', 1, 1024) })
    } else {
      await dev(path, {
        port: port ?? (Number(process.env.PORT) || 8000),
        hostname: hostname ?? '127.0.0.1',
      })
    }
    return 'serving'
  }
  const app = await loadApp(findEntry(entry, process.cwd()))
  if (command === 'routes') {
    const lines = routeLines(app)
    await print(`${flags.get('json') ? JSON.stringify(lines, null, 2) : formatRoutes(lines)}\n`)
    return 'done'
  }
  const document = `${JSON.stringify(app.openapi(), null, 2)}\n`
  const output = flags.get('output')
  if (typeof output === 'string') writeFileSync(output, document)
  else await print(document)
  return 'done'
}

/** Writes to stdout and resolves once written (the process exits right after: a pipe must not lose the end). */
function print(text: string): Promise<void> {
  return new Promise((resolve, reject) =>
    process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
  )
}

main(process.argv.slice(2)).then(
  // An entry may leave timers or a lifespan running: the command is done once it has printed. A
  // server (dev, run) runs until a signal.
  (outcome) => {
    if (outcome === 'done') process.exit(0)
  },
  (error: unknown) => {
    if (error instanceof UsageError) console.error(error.message)
    else console.error('tandem: the command failed:', error)
    process.exit(error instanceof UsageError ? error.exitCode : 1)
  },
)
