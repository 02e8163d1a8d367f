import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { UsageError } from './args.ts'
import { type PackageManager, projectFiles, type Runtime, runCommand } from './templates.ts'
import type { Versions } from './versions.ts'

/** Entries a new project's directory may already hold. */
const ALLOWED = new Set(['.git'])

/** Refuses a directory that is a file or holds anything but `.git`. */
export function checkTarget(directory: string): void {
  if (!existsSync(directory)) return
  if (!statSync(directory).isDirectory())
    throw new UsageError(`create-tandem: ${directory} exists and is not a directory. Pick a new directory.`)
  const entries = readdirSync(directory).filter((entry) => !ALLOWED.has(entry))
  if (entries.length > 0) {
    const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', ...' : '')
    throw new UsageError(
      `create-tandem: ${directory} is not empty (${shown}). Pick a new directory, or empty this one.`,
    )
  }
}

/** The package name for a directory: its base name, lower-cased, with what npm refuses replaced. */
export function projectName(directory: string): string {
  const name = basename(resolve(directory))
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[._-]+/, '')
    .slice(0, 214)
  return name || 'tandem-app'
}

export interface CreateOptions {
  directory: string
  runtime: Runtime
  pm: PackageManager
  versions: Versions
  /** The package name; by default from the directory. */
  name?: string
}

/** Writes the project into `directory` (created, or empty); returns the paths written, relative to it. */
export function createProject(options: CreateOptions): string[] {
  checkTarget(options.directory)
  const files = projectFiles({
    name: options.name ?? projectName(options.directory),
    runtime: options.runtime,
    pm: options.pm,
    versions: options.versions,
  })
  for (const [path, text] of Object.entries(files)) {
    const file = join(options.directory, path)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, text)
  }
  return Object.keys(files)
}

/** The commands to run next, one a line. */
export function nextCommands(options: {
  directory: string
  pm: PackageManager
  runtime: Runtime
  installed: boolean
}): string[] {
  const url = `http://127.0.0.1:${options.runtime === 'workerd' ? 8787 : 8000}`
  const cd = /^[\w./@-]+$/.test(options.directory) ? options.directory : JSON.stringify(options.directory)
  return [
    ...(resolve(options.directory) === process.cwd() ? [] : [`cd ${cd}`]),
    ...(options.installed ? [] : [`${options.pm} install`]),
    `${runCommand(options.pm, 'dev')}`.padEnd(16) + `# serve on ${url}, reload on change (docs: ${url}/docs)`,
    `${runCommand(options.pm, 'test')}`.padEnd(16) + '# run the tests',
  ]
}
