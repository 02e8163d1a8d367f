#!/usr/bin/env node
// create-tandem: `npm create tandem@latest my-app -- --runtime node|bun|workerd`.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { type Args, detectPackageManager, parseArgs, USAGE, UsageError } from './args.ts'
import { checkTarget, createProject, nextCommands } from './create.ts'
import { ask, Cancelled } from './prompt.ts'
import { RUNTIME_NAMES, RUNTIMES, type Runtime } from './templates.ts'
import { versions } from './versions.ts'

const DEFAULT_DIRECTORY = 'my-tandem-app'
const streams = { input: process.stdin, output: process.stdout }
const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY)

async function directoryOf(args: Args): Promise<string> {
  if (args.directory !== undefined) return args.directory
  if (args.yes) return DEFAULT_DIRECTORY
  if (!interactive)
    throw new UsageError(
      'create-tandem: name the directory to create: npm create tandem@latest my-app -- --runtime node',
    )
  return ask('Project directory:', DEFAULT_DIRECTORY, undefined, streams)
}

async function runtimeOf(args: Args): Promise<Runtime> {
  if (args.runtime) return args.runtime
  if (args.yes) return 'node'
  if (!interactive)
    throw new UsageError(
      'create-tandem: which runtime? There is no terminal to ask on: pass --runtime node, --runtime bun or --runtime workerd.',
    )
  const choices = RUNTIMES.map((value) => ({ value, label: `${value.padEnd(8)} ${RUNTIME_NAMES[value]}` }))
  return (await ask('Which runtime will serve the app?', 'node', choices, streams)) as Runtime
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv)
  if (args.help) {
    console.log(USAGE)
    return 0
  }
  if (args.version) {
    console.log(createRequire(import.meta.url)('../package.json').version)
    return 0
  }
  const directory = await directoryOf(args)
  checkTarget(directory)
  const runtime = await runtimeOf(args)
  const pm = args.pm ?? detectPackageManager() ?? 'npm'

  const files = createProject({ directory, runtime, pm, versions })
  console.log(`\nCreated ${directory}: a Tandem app on ${RUNTIME_NAMES[runtime]}.`)
  for (const file of files) console.log(`  ${file}`)

  let installed = false
  if (args.install) {
    console.log(`\nInstalling the dependencies with ${pm} install...`)
    const result = spawnSync(pm, ['install'], {
      cwd: directory,
      stdio: 'inherit',
      shell: process.platform === 'win32',
    })
    installed = result.status === 0
    if (!installed) {
      const why = result.error
        ? result.error.message
        : `it exited with code ${result.status ?? result.signal}`
      console.error(`\ncreate-tandem: ${pm} install failed (${why}). The files are written; install again:`)
    }
  }
  console.log(
    `\nNext:\n${nextCommands({ directory, pm, runtime, installed })
      .map((line) => `  ${line}`)
      .join('\n')}`,
  )
  return args.install && !installed ? 1 : 0
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(error.message)
      process.exitCode = error.exitCode
    } else if (error instanceof Cancelled) {
      console.error('\ncreate-tandem: cancelled; nothing was written.')
      process.exitCode = 130
    } else {
      console.error(error)
      process.exitCode = 1
    }
  },
)
