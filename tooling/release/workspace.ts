// The workspace as the release sees it: its packages (found from pnpm-workspace.yaml's globs, so a
// package added later is picked up without a list to update), which of them are published, and a
// helper to run a command with a clear error when it fails.
import { spawn } from 'node:child_process'
import { existsSync, globSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface WorkspacePackage {
  name: string
  version: string
  private: boolean
  /** Absolute path of the package directory. */
  dir: string
  /** Its directory relative to the workspace root (`packages/core`). */
  path: string
  manifest: Record<string, any>
}

/** The `packages:` globs of pnpm-workspace.yaml (the list form the repository uses). */
function workspaceGlobs(root: string): string[] {
  const text = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')
  const globs: string[] = []
  let inPackages = false
  for (const line of text.split('\n')) {
    if (/^packages:\s*$/.test(line)) {
      inPackages = true
      continue
    }
    if (!inPackages) continue
    const item = /^\s+-\s+['"]?([^'"#]+?)['"]?\s*(#.*)?$/.exec(line)
    if (item) globs.push(item[1]!)
    else if (/^\S/.test(line)) break
  }
  if (globs.length === 0)
    throw new Error(`No "packages:" globs found in ${join(root, 'pnpm-workspace.yaml')}`)
  return globs
}

/** Every package of the workspace at `root` (not the root itself), sorted by path. */
export function workspacePackages(root: string): WorkspacePackage[] {
  const found = new Set<string>()
  for (const glob of workspaceGlobs(root)) {
    for (const path of globSync(`${glob}/package.json`, { cwd: root })) {
      if (!path.split('/').includes('node_modules')) found.add(path.slice(0, -'/package.json'.length))
    }
  }
  return [...found].sort().map((path) => {
    const manifest = JSON.parse(readFileSync(join(root, path, 'package.json'), 'utf8'))
    return {
      name: manifest.name,
      version: manifest.version,
      private: manifest.private === true,
      dir: join(root, path),
      path,
      manifest,
    }
  })
}

/**
 * The packages that are published: every workspace package not marked `"private": true`. A package
 * that should not be published yet stays private until it is ready.
 */
export function publishablePackages(root: string): WorkspacePackage[] {
  return workspacePackages(root).filter((pkg) => !pkg.private)
}

/** The version a package has until its first release. */
export const UNRELEASED_VERSION = '0.0.0'
/** The version of a package's first release. */
export const FIRST_RELEASE_VERSION = '0.1.0'

/** The root of the workspace this file belongs to. */
export const repositoryRoot = join(import.meta.dirname, '..', '..')

/** The `changeset` command of the workspace at `root` (its root node_modules). */
export function changesetBin(root: string): string {
  const bin = join(root, 'node_modules', '@changesets', 'cli', 'bin.js')
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run pnpm install first`)
  return bin
}

export interface RunOptions {
  cwd: string
  env?: NodeJS.ProcessEnv
  /** Show the command's output as it comes (default: collect it, and show it only on failure). */
  inherit?: boolean
}

/** Runs `command args` and resolves to its output; rejects with the command and its output if it fails. */
export function run(command: string, args: string[], options: RunOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: options.inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout?.on('data', (chunk) => (output += chunk))
    child.stderr?.on('data', (chunk) => (output += chunk))
    child.once('error', reject)
    child.once('close', (code, signal) => {
      if (code === 0) resolve(output)
      else {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`
        const shown = output.trim() ? `:\n${output.trim()}` : ''
        reject(new Error(`\`${[command, ...args].join(' ')}\` (in ${options.cwd}) ${how}${shown}`))
      }
    })
  })
}
