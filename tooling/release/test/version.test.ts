// The release's versioning on small workspaces in temporary directories, with the repository's own
// .changeset/config.json and changelog module, and the real `changeset version` and `pnpm pack`:
// the first release, the releases after it, a package added later, and what is refused.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { packPackages } from '../stage.ts'
import { rangeIncludes } from '../tarball.ts'
import { versionPackages } from '../version.ts'
import { repositoryRoot } from '../workspace.ts'

const roots: string[] = []
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

interface FixturePackage {
  version: string
  private?: boolean
  dependencies?: Record<string, string>
}

/** A workspace with the repository's changesets config, changelog module and node_modules. */
function workspace(packages: Record<string, FixturePackage>, changesets: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'tandem-release-test-'))
  roots.push(root)
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'fixture', private: true }))
  writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n')
  mkdirSync(join(root, '.changeset'))
  cpSync(join(repositoryRoot, '.changeset', 'config.json'), join(root, '.changeset', 'config.json'))
  mkdirSync(join(root, 'tooling', 'release'), { recursive: true })
  cpSync(
    join(repositoryRoot, 'tooling', 'release', 'changelog.ts'),
    join(root, 'tooling', 'release', 'changelog.ts'),
  )
  writeFileSync(join(root, 'tooling', 'release', 'package.json'), '{ "type": "module" }')
  symlinkSync(join(repositoryRoot, 'node_modules'), join(root, 'node_modules'))
  for (const [name, pkg] of Object.entries(packages)) {
    const dir = join(root, 'packages', name.split('/').pop()!)
    mkdirSync(join(dir, 'dist'), { recursive: true })
    writeFileSync(join(dir, 'dist', 'index.js'), 'export {}\n')
    const manifest = { name, type: 'module', files: ['dist'], ...pkg }
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
    for (const dependency of Object.keys(pkg.dependencies ?? {})) {
      const link = join(dir, 'node_modules', dependency)
      mkdirSync(join(link, '..'), { recursive: true })
      symlinkSync(join('..', '..', '..', dependency.split('/').pop()!), link)
    }
  }
  for (const [id, text] of Object.entries(changesets))
    writeFileSync(join(root, '.changeset', `${id}.md`), text)
  return root
}

const read = (root: string, path: string) => readFileSync(join(root, path), 'utf8')
const version = (root: string, dir: string) => JSON.parse(read(root, `packages/${dir}/package.json`)).version
const pending = (root: string) => readdirSync(join(root, '.changeset')).filter((file) => file.endsWith('.md'))

const core = { version: '0.0.0' }
const node = { version: '0.0.0', dependencies: { '@tandem/core': 'workspace:^' } }

describe('the first release', () => {
  test('every 0.0.0 package goes to 0.1.0 with "Initial release", the unreleased history absorbed', async () => {
    const root = workspace(
      { '@tandem/core': core, '@tandem/node': node, '@tandem/app': { version: '0.0.0', private: true } },
      {
        'fix-core': '---\n"@tandem/core": patch\n---\n\nFixed a thing nobody received.\n',
        both: "---\n'@tandem/core': minor\n'@tandem/node': major\n---\n\nA change to both.\n",
        'fix-node': '---\n"@tandem/node": patch\n---\n\nAnother fix.\n',
      },
    )
    const result = await versionPackages(root)
    expect(result.firstReleases.sort()).toEqual(['@tandem/core', '@tandem/node'])
    expect(result.removed.sort()).toEqual(['both', 'fix-core', 'fix-node'])
    expect(version(root, 'core')).toBe('0.1.0')
    expect(version(root, 'node')).toBe('0.1.0')
    expect(version(root, 'app')).toBe('0.0.0')
    expect(read(root, 'packages/core/CHANGELOG.md')).toBe('# @tandem/core\n\n## 0.1.0\n\nInitial release\n')
    expect(read(root, 'packages/node/CHANGELOG.md')).toBe('# @tandem/node\n\n## 0.1.0\n\nInitial release\n')
    expect(existsSync(join(root, 'packages/app/CHANGELOG.md'))).toBe(false)
    expect(pending(root)).toEqual([])
    // The range stays workspace:^ in the repository; pnpm pack writes the released version.
    expect(JSON.parse(read(root, 'packages/node/package.json')).dependencies['@tandem/core']).toBe(
      'workspace:^',
    )
    const out = join(root, 'out')
    const tarballs = await packPackages(root, out, { changelog: true })
    const packed = tarballs.find((t) => t.name === '@tandem/node')!
    expect(packed.manifest.dependencies['@tandem/core']).toBe('^0.1.0')
    expect(packed.problems).toEqual([])
    expect(readdirSync(out).sort()).toEqual(['tandem-core-0.1.0.tgz', 'tandem-node-0.1.0.tgz'])
  })

  test('nothing to do: no changesets, no unreleased package', async () => {
    const root = workspace({ '@tandem/core': { version: '0.1.0' } }, {})
    const result = await versionPackages(root)
    expect(result.versioned).toBe(false)
    expect(version(root, 'core')).toBe('0.1.0')
  })

  test('a changeset that cannot be read stops it before anything is written', async () => {
    const broken = '---\n\n## "@tandem/core": patch\n\nNo closing line.\n'
    const root = workspace(
      { '@tandem/core': core },
      { broken, fine: '---\n"@tandem/core": patch\n---\n\nFine.\n' },
    )
    await expect(versionPackages(root)).rejects.toThrow(/\.changeset\/broken\.md: no front matter/)
    expect(pending(root).sort()).toEqual(['broken.md', 'fine.md'])
    expect(version(root, 'core')).toBe('0.0.0')
  })
})

describe('after the first release', () => {
  test('changesets give the usual entries; a dependent in range is left alone', async () => {
    const root = workspace(
      { '@tandem/core': { version: '0.1.0' }, '@tandem/node': { ...node, version: '0.1.0' } },
      { 'fix-core': '---\n"@tandem/core": patch\n---\n\nFixed the thing.\n\nIn detail.\n' },
    )
    await versionPackages(root)
    expect(version(root, 'core')).toBe('0.1.1')
    expect(read(root, 'packages/core/CHANGELOG.md')).toBe(
      '# @tandem/core\n\n## 0.1.1\n\n### Patch Changes\n\n- Fixed the thing.\n\n  In detail.\n',
    )
    expect(version(root, 'node')).toBe('0.1.0')
  })

  test('a dependent out of range is bumped with one "Updated dependencies" line', async () => {
    const root = workspace(
      { '@tandem/core': { version: '0.1.0' }, '@tandem/node': { ...node, version: '0.1.0' } },
      {
        one: '---\n"@tandem/core": minor\n---\n\nA feature.\n',
        two: '---\n"@tandem/core": patch\n---\n\nA fix.\n',
      },
    )
    await versionPackages(root)
    expect(version(root, 'core')).toBe('0.2.0')
    expect(version(root, 'node')).toBe('0.1.1')
    expect(read(root, 'packages/node/CHANGELOG.md')).toBe(
      '# @tandem/node\n\n## 0.1.1\n\n### Patch Changes\n\n- Updated dependencies: @tandem/core@0.2.0\n',
    )
  })

  test('a package added later gets its own first release; a changeset shared with it keeps the rest', async () => {
    const root = workspace(
      {
        '@tandem/core': { version: '0.1.0' },
        'create-tandem': { version: '0.0.0', dependencies: { '@tandem/core': 'workspace:^' } },
      },
      {
        shared:
          '---\n"@tandem/core": patch\n"create-tandem": minor\n---\n\nCore learns what the starter needs.\n',
        starter: '---\n"create-tandem": patch\n---\n\nStarter fix before its release.\n',
      },
    )
    const result = await versionPackages(root)
    expect(result.removed).toEqual(['starter'])
    expect(result.trimmed).toEqual(['shared'])
    expect(version(root, 'core')).toBe('0.1.1')
    expect(read(root, 'packages/core/CHANGELOG.md')).toContain('- Core learns what the starter needs.')
    expect(version(root, 'create-tandem')).toBe('0.1.0')
    expect(read(root, 'packages/create-tandem/CHANGELOG.md')).toBe(
      '# create-tandem\n\n## 0.1.0\n\nInitial release\n',
    )
    expect(pending(root)).toEqual([])
  })
})

test('rangeIncludes: the forms pnpm writes for internal dependencies', () => {
  expect(rangeIncludes('^0.1.0', '0.1.0')).toBe(true)
  expect(rangeIncludes('^0.1.0', '0.1.5')).toBe(true)
  expect(rangeIncludes('^0.1.0', '0.2.0')).toBe(false)
  expect(rangeIncludes('^0.0.0', '0.1.0')).toBe(false)
  expect(rangeIncludes('^1.2.0', '1.9.0')).toBe(true)
  expect(rangeIncludes('~1.2.0', '1.3.0')).toBe(false)
  expect(rangeIncludes('0.1.0', '0.1.0')).toBe(true)
  expect(rangeIncludes('0.1.0', '0.1.1')).toBe(false)
  expect(rangeIncludes('*', '3.0.0')).toBe(true)
})
