#!/usr/bin/env node
// The `tandem` command. It runs on the runtime that launched it (`npx tandem` on Node, `bunx tandem` on Bun).
import { writeFileSync } from 'node:fs'
import { findEntry, loadApp, UsageError } from './entry.ts'
import { formatRoutes, routeLines } from './routes.ts'

const HELP: Record<string, string> = {
  main: `Usage: tandem <command> [entry] [options]

Commands:
  routes [entry]     list the app's routes: method, path, mode (async, plain, blocking), dependencies
  openapi [entry]    print the app's OpenAPI document (JSON), or write it with --output FILE

The entry is the module that exports the app (\`export const app\` or \`export default\`). Without one,
tandem reads "tandem": { "entry" } in package.json, then looks for src/app.ts, app.ts, src/main.ts, main.ts.

tandem <command> --help shows a command's options.`,
  routes: `Usage: tandem routes [entry] [--json]

Lists the app's routes, HTTP then WebSocket: method, path, where the handler runs (async: awaited on
the event loop; plain: called on the event loop; blocking: on the worker pool) and the dependencies
each route runs, in order.

  --json    print the list as JSON`,
  openapi: `Usage: tandem openapi [entry] [--output FILE]

Prints the app's OpenAPI 3.1 document, as /openapi.json serves it.

  --output FILE, -o FILE    write it to FILE instead of stdout`,
}

interface Parsed {
  command: string | undefined
  entry: string | undefined
  flags: Map<string, string | true>
}

function parse(argv: string[]): Parsed {
  const flags = new Map<string, string | true>()
  const positional: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '-h' || arg === '--help') flags.set('help', true)
    else if (arg === '-o' || arg === '--output') {
      const value = argv[++i]
      if (!value) throw new UsageError(`tandem: ${arg} needs a file name.`)
      flags.set('output', value)
    } else if (arg.startsWith('--output=')) flags.set('output', arg.slice('--output='.length))
    else if (arg === '--json') flags.set('json', true)
    else if (arg.startsWith('-')) throw new UsageError(`tandem: unknown option ${arg}. See tandem --help.`)
    else positional.push(arg)
  }
  if (positional.length > 2)
    throw new UsageError(`tandem: too many arguments (${positional.slice(2).join(' ')}).`)
  return { command: positional[0], entry: positional[1], flags }
}

async function main(argv: string[]): Promise<void> {
  const { command, entry, flags } = parse(argv)
  if (!command) {
    await print(`${HELP.main}\n`)
    return
  }
  if (!(command in HELP) || command === 'main') {
    throw new UsageError(
      `tandem: unknown command "${command}". Commands: routes, openapi. See tandem --help.`,
    )
  }
  if (flags.get('help')) {
    await print(`${HELP[command]}\n`)
    return
  }
  const app = await loadApp(findEntry(entry, process.cwd()))
  if (command === 'routes') {
    const lines = routeLines(app)
    await print(`${flags.get('json') ? JSON.stringify(lines, null, 2) : formatRoutes(lines)}\n`)
    return
  }
  const document = `${JSON.stringify(app.openapi(), null, 2)}\n`
  const output = flags.get('output')
  if (typeof output === 'string') writeFileSync(output, document)
  else await print(document)
}

/** Writes to stdout and resolves once written (the process exits right after: a pipe must not lose the end). */
function print(text: string): Promise<void> {
  return new Promise((resolve, reject) =>
    process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
  )
}

main(process.argv.slice(2)).then(
  // An entry may leave timers or a lifespan running: the command is done once it has printed.
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof UsageError) console.error(error.message)
    else console.error('tandem: the command failed:', error)
    process.exit(error instanceof UsageError ? 2 : 1)
  },
)
