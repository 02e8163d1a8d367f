// The changelog lines changesets writes (.changeset/config.json's "changelog"): its default ones,
// except that a package whose internal dependencies were released gets a single line naming them,
// rather than one "Updated dependencies" line per changeset of those dependencies.
interface Changeset {
  summary: string
  commit?: string
}

interface ReleasedDependency {
  name: string
  newVersion: string
}

const changelog = {
  /** `- <short commit>: <summary>`, the summary's later lines indented under it (as the default). */
  async getReleaseLine(changeset: Changeset): Promise<string> {
    const [first, ...rest] = changeset.summary.split('\n').map((line) => line.trimEnd())
    const commit = changeset.commit ? `${changeset.commit.slice(0, 7)}: ` : ''
    return [`- ${commit}${first}`, ...rest.map((line) => (line ? `  ${line}` : ''))].join('\n')
  },
  /** `- Updated dependencies: @tandem/core@0.2.0, ...`, or nothing. */
  async getDependencyReleaseLine(
    _changesets: Changeset[],
    dependencies: ReleasedDependency[],
  ): Promise<string> {
    if (dependencies.length === 0) return ''
    return `- Updated dependencies: ${dependencies.map((dep) => `${dep.name}@${dep.newVersion}`).join(', ')}`
  },
}

export default changelog
