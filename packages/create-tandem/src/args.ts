import { PACKAGE_MANAGERS, type PackageManager, RUNTIMES, type Runtime } from './templates.ts'

/** A mistake on the command line: one line on stderr, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError'
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message)
  }
}

export interface Args {
  /** The project's directory, as given. */
  directory: string | undefined
  runtime: Runtime | undefined
  pm: PackageManager | undefined
  /** Take the defaults instead of asking (Node, `my-tandem-app`). */
  yes: boolean
  /** Install the dependencies (default), or not with `--no-install`. */
  install: boolean
  help: boolean
  version: boolean
}

const VALUES = { runtime: 'runtime', r: 'runtime', pm: 'pm' } as const
const SWITCHES = {
  yes: 'yes',
  y: 'yes',
  install: 'install',
  'no-install': 'install',
  help: 'help',
  h: 'help',
  version: 'version',
  v: 'version',
} as const

export const USAGE = `Usage: npm create tandem@latest [directory] -- [options]
       create-tandem [directory] [options]

Writes a small Tandem app into directory (new or empty): an async route with a dependency, a
blocking route, a test, and the scripts to serve, test and deploy it.

Options:
  --runtime, -r <node|bun|workerd>   the runtime to serve on (asked when not given, on a terminal)
  --pm <npm|pnpm|bun>                the package manager to install with and to print commands for
                                     (default: the one that runs create-tandem, else npm)
  --no-install                       write the files only; install later
  --yes, -y                          take the defaults instead of asking (Node, my-tandem-app)
  --help, -h                         this help
  --version, -v                      create-tandem's version`

/** Reads the command line (without the runtime and script). */
export function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    directory: undefined,
    runtime: undefined,
    pm: undefined,
    yes: false,
    install: true,
    help: false,
    version: false,
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (!arg.startsWith('-') || arg === '-') {
      if (args.directory !== undefined)
        throw new UsageError(`create-tandem: one directory only (got ${args.directory} and ${arg}).`)
      args.directory = arg
      continue
    }
    const [written, inline] = splitOnce(arg.replace(/^--?/, ''))
    if (written in SWITCHES && inline === undefined) {
      const name = SWITCHES[written as keyof typeof SWITCHES]
      args[name] = written !== 'no-install'
      continue
    }
    if (!(written in VALUES))
      throw new UsageError(`create-tandem: unknown option ${arg}. See create-tandem --help.`)
    const name = VALUES[written as keyof typeof VALUES]
    const value = inline ?? argv[++i]
    if (value === undefined || value === '' || value.startsWith('-'))
      throw new UsageError(`create-tandem: ${arg.split('=')[0]} needs a value: ${choices(name)}.`)
    if (name === 'runtime') args.runtime = runtime(value)
    else args.pm = packageManager(value)
  }
  return args
}

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf('=')
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)]
}

/** `--runtime node, bun or workerd`. */
const choices = (name: 'runtime' | 'pm') => {
  const all = name === 'runtime' ? RUNTIMES : PACKAGE_MANAGERS
  return `--${name} ${all.slice(0, -1).join(', ')} or ${all.at(-1)}`
}

function runtime(value: string): Runtime {
  const found = RUNTIMES.find((choice) => choice === value.toLowerCase())
  if (!found) throw new UsageError(`create-tandem: unknown runtime "${value}". Use ${choices('runtime')}.`)
  return found
}

function packageManager(value: string): PackageManager {
  const found = PACKAGE_MANAGERS.find((choice) => choice === value.toLowerCase())
  if (!found) throw new UsageError(`create-tandem: unknown package manager "${value}". Use ${choices('pm')}.`)
  return found
}

/** The package manager that runs create-tandem (`npm create`, `pnpm create`, `bun create`), from its user agent. */
export function detectPackageManager(
  userAgent = process.env.npm_config_user_agent,
): PackageManager | undefined {
  const name = userAgent?.split('/')[0]
  return PACKAGE_MANAGERS.find((choice) => choice === name)
}
