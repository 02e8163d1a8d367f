// Reading and rewriting the changeset files of .changeset/ (front matter: one `"package": bump`
// line per package, then the summary).
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export type Bump = 'major' | 'minor' | 'patch' | 'none'

export interface Changeset {
  /** The file name without `.md`. */
  id: string
  file: string
  releases: { name: string; type: Bump }[]
  summary: string
}

// changesets' own pattern (@changesets/parse): what it accepts, this accepts.
const FRONT_MATTER = /\s*---([\s\S]*?)\r?\n\s*---(\s*(?:\n|$)[\s\S]*)/
const RELEASE_LINE = /^\s*(['"]?)([^'"]+?)\1\s*:\s*(major|minor|patch|none)\s*$/

/** The changeset files of `<root>/.changeset` (the `*.md` files but its README), sorted. */
export function changesetFiles(root: string): string[] {
  const dir = join(root, '.changeset')
  return readdirSync(dir)
    .filter((file) => file.endsWith('.md') && file.toLowerCase() !== 'readme.md')
    .sort()
    .map((file) => join(dir, file))
}

/** Every changeset in `<root>/.changeset`; throws on the first that cannot be read. */
export function readChangesets(root: string): Changeset[] {
  return changesetFiles(root).map(parseChangeset)
}

/** The changeset files that cannot be read, with why (changesets would refuse them too). */
export function invalidChangesets(root: string): { file: string; error: string }[] {
  const invalid: { file: string; error: string }[] = []
  for (const file of changesetFiles(root)) {
    try {
      parseChangeset(file)
    } catch (error) {
      invalid.push({ file, error: error instanceof Error ? error.message : String(error) })
    }
  }
  return invalid
}

export function parseChangeset(file: string): Changeset {
  const text = readFileSync(file, 'utf8')
  const match = FRONT_MATTER.exec(text)
  if (!match) {
    throw new Error(
      `${file}: no front matter between two "---" lines (it should start with ---, one line ` +
        `"package": patch|minor|major per package, then ---); \`changeset version\` refuses it too`,
    )
  }
  const releases = match[1]!
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const release = RELEASE_LINE.exec(line)
      if (!release) throw new Error(`${file}: cannot read the front matter line ${JSON.stringify(line)}`)
      return { name: release[2]!, type: release[3] as Bump }
    })
  const id = file.split('/').pop()!.slice(0, -'.md'.length)
  return { id, file, releases, summary: match[2]!.trim() }
}

export function formatChangeset(releases: Changeset['releases'], summary: string): string {
  const lines = releases.map(({ name, type }) => `${JSON.stringify(name)}: ${type}`)
  return `---\n${lines.join('\n')}${lines.length ? '\n' : ''}---\n\n${summary.trim()}\n`
}

export interface Absorbed {
  /** Changesets deleted: they named only packages released for the first time. */
  removed: string[]
  /** Changesets kept for the packages they name that were released before. */
  trimmed: string[]
}

/**
 * Takes `names` (packages released for the first time) out of every changeset: their changes are
 * part of the first release, whose changelog says "Initial release" instead of their history. A
 * changeset naming only those packages is deleted; one naming others too keeps them.
 */
export function absorbIntoFirstRelease(root: string, names: ReadonlySet<string>): Absorbed {
  const absorbed: Absorbed = { removed: [], trimmed: [] }
  for (const changeset of readChangesets(root)) {
    const kept = changeset.releases.filter((release) => !names.has(release.name))
    if (kept.length === changeset.releases.length) continue
    if (kept.length === 0) {
      rmSync(changeset.file)
      absorbed.removed.push(changeset.id)
    } else {
      writeFileSync(changeset.file, formatChangeset(kept, changeset.summary))
      absorbed.trimmed.push(changeset.id)
    }
  }
  return absorbed
}
