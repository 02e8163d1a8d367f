// The repository's own changesets: each one readable by `changeset version` (front matter of
// package bumps, then a summary), naming only packages of the workspace. A formatter that turns the
// front matter into a heading, or a typo in a package name, fails here instead of at release time.
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { invalidChangesets, readChangesets } from '../changesets.ts'
import { workspacePackages } from '../workspace.ts'

const root = fileURLToPath(new URL('../../..', import.meta.url))

describe("the repository's changesets", () => {
  it('are all readable, with a summary', () => {
    expect(invalidChangesets(root)).toEqual([])
    for (const changeset of readChangesets(root)) expect(changeset.summary.trim()).not.toBe('')
  })

  it('name only publishable packages of the workspace', () => {
    const publishable = new Set(
      workspacePackages(root)
        .filter((pkg) => !pkg.manifest.private)
        .map((pkg) => pkg.manifest.name),
    )
    const unknown = readChangesets(root).flatMap((changeset) =>
      changeset.releases.filter((release) => !publishable.has(release.name)).map((r) => r.name),
    )
    expect(unknown).toEqual([])
  })
})
