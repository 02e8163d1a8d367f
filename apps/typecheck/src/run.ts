// The type-check benchmark: `pnpm --filter @tandem/typecheck-bench bench [routes] [rounds]`.
// Generates the same API for Tandem and for Hono, then, in one run and interleaved round by round:
// `tsc --noEmit --extendedDiagnostics` on each app alone and on each app with a file calling every
// route through its typed client, and tsserver's completion time on a call's input. Writes
// results/typecheck-<routes>.md and .json. Build @tandem/core and @tandem/client first.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { availableParallelism, cpus } from 'node:os'
import { dirname, join } from 'node:path'
import { CURSOR, generate, ROUTES_PER_RESOURCE, type Side } from './generate.ts'
import { type CompletionTimes, completionTimes } from './tsserver.ts'

const routes = Number(process.argv[2] ?? 200)
const rounds = Number(process.argv[3] ?? 5)
const root = join(import.meta.dirname, '..')
const require = createRequire(import.meta.url)
const tsc = require.resolve('typescript/bin/tsc')
const tsVersion = (require('typescript/package.json') as { version: string }).version

/** One tsc run's figures, from --extendedDiagnostics. */
interface Diagnostics {
  checkSeconds: number
  totalSeconds: number
  memoryKB: number
  instantiations: number
  types: number
}

/** A tsconfig checking `files` with the repository's settings. */
function project(side: Side, name: string, files: string[]): string {
  const path = join(side.dir, `tsconfig.${name}.json`)
  writeFileSync(
    path,
    JSON.stringify({ extends: '@tandem/tsconfig/base.json', compilerOptions: { types: [] }, files }, null, 2),
  )
  return path
}

function check(config: string): Diagnostics {
  const run = spawnSync(process.execPath, [tsc, '-p', config, '--extendedDiagnostics'], { encoding: 'utf8' })
  const output = run.stdout + run.stderr
  if (run.status !== 0) throw new Error(`tsc -p ${config} failed:\n${output.slice(0, 4000)}`)
  const figure = (label: string) => Number(new RegExp(`^${label}:\\s+([\\d.]+)`, 'm').exec(output)?.[1])
  return {
    checkSeconds: figure('Check time'),
    totalSeconds: figure('Total time'),
    memoryKB: figure('Memory used'),
    instantiations: figure('Instantiations'),
    types: figure('Types'),
  }
}

const sides = generate(join(root, '.generated'), routes)

/**
 * The app's type as a declaration file (what a client package reads when the app is built with
 * `declaration: true` or a project reference), and the client and completion files reading it, in
 * `dts/`: the editor then reads the app's type instead of inferring it from the routes.
 */
function declared(side: Side): { emitSeconds: number; client: string; complete: string } {
  const config = join(side.dir, 'tsconfig.emit.json')
  writeFileSync(
    config,
    JSON.stringify({
      extends: '@tandem/tsconfig/base.json',
      compilerOptions: {
        types: [],
        noEmit: false,
        declaration: true,
        emitDeclarationOnly: true,
        outDir: 'decl',
      },
      files: ['app.ts'],
    }),
  )
  const started = performance.now()
  const run = spawnSync(process.execPath, [tsc, '-p', config], { encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`emitting ${side.app}'s declarations failed:\n${run.stdout}`)
  const dir = join(side.dir, 'dts')
  mkdirSync(dir, { recursive: true })
  const files = { client: join(dir, 'client.ts'), complete: join(dir, 'complete.ts') }
  const fromDeclaration = (file: string) =>
    readFileSync(file, 'utf8').replace("from './app.ts'", "from '../decl/app.js'")
  writeFileSync(files.client, fromDeclaration(side.client))
  writeFileSync(files.complete, fromDeclaration(side.complete))
  return { emitSeconds: (performance.now() - started) / 1000, ...files }
}
const declarations = { Tandem: declared(sides.tandem), Hono: declared(sides.hono) }

const configs = {
  'Tandem app': project(sides.tandem, 'app', ['app.ts']),
  'Tandem app + client': project(sides.tandem, 'client', ['client.ts']),
  'Tandem client on app.d.ts': project(sides.tandem, 'client-dts', ['dts/client.ts']),
  'Hono app': project(sides.hono, 'app', ['app.ts']),
  'Hono app + hc': project(sides.hono, 'client', ['client.ts']),
  'Hono hc on app.d.ts': project(sides.hono, 'client-dts', ['dts/client.ts']),
}
// tsserver finds the tsconfig.json beside each completion file: the file (and through it the app).
const completionFiles: Record<string, string> = {
  Tandem: sides.tandem.complete,
  Hono: sides.hono.complete,
  'Tandem on app.d.ts': declarations.Tandem.complete,
  'Hono on app.d.ts': declarations.Hono.complete,
}
for (const file of Object.values(completionFiles)) {
  writeFileSync(
    join(dirname(file), 'tsconfig.json'),
    JSON.stringify({
      extends: '@tandem/tsconfig/base.json',
      compilerOptions: { types: [] },
      files: ['complete.ts'],
    }),
  )
}

const checks: Record<string, Diagnostics[]> = Object.fromEntries(
  Object.keys(configs).map((name) => [name, []]),
)
const completions: Record<string, CompletionTimes[]> = Object.fromEntries(
  Object.keys(completionFiles).map((name) => [name, []]),
)
for (let round = 1; round <= rounds; round++) {
  for (const [name, config] of Object.entries(configs)) {
    const result = check(config)
    checks[name]!.push(result)
    console.log(
      `round ${round} ${name}: check ${result.checkSeconds} s, ${result.instantiations} instantiations`,
    )
  }
  for (const [name, file] of Object.entries(completionFiles)) {
    const times = await completionTimes(file, CURSOR)
    completions[name]!.push(times)
    console.log(
      `round ${round} ${name} completion: ${times.cold.toFixed(0)} ms, after an edit ${times.afterEdit.toFixed(0)} ms`,
    )
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}
const min = (values: number[]) => Math.min(...values)
const summary = Object.fromEntries(
  Object.entries(checks).map(([name, runs]) => [
    name,
    {
      checkSecondsMedian: median(runs.map((r) => r.checkSeconds)),
      checkSecondsMin: min(runs.map((r) => r.checkSeconds)),
      totalSecondsMedian: median(runs.map((r) => r.totalSeconds)),
      memoryMBMedian: Math.round(median(runs.map((r) => r.memoryKB)) / 1024),
      instantiations: runs[0]!.instantiations,
      types: runs[0]!.types,
    },
  ]),
)
const completionSummary = Object.fromEntries(
  Object.entries(completions).map(([name, runs]) => [
    name,
    {
      coldMsMedian: Math.round(median(runs.map((r) => r.cold))),
      afterEditMsMedian: Math.round(median(runs.map((r) => r.afterEdit))),
      afterEditMsMin: Math.round(min(runs.map((r) => r.afterEdit))),
      entries: runs[0]!.entries.filter((entry) => !entry.startsWith('_')).slice(0, 10),
    },
  ]),
)
const ratio = (a: string, b: string, key: 'checkSecondsMedian' | 'instantiations' | 'memoryMBMedian') =>
  (summary[a]![key] / summary[b]![key]).toFixed(2)

/** Tandem's check time over Hono's, round by round (each round runs both, one after the other). */
const roundRatios = checks['Tandem app + client']!.map(
  (run, i) => run.checkSeconds / checks['Hono app + hc']![i]!.checkSeconds,
)
const roundRange = `${Math.min(...roundRatios).toFixed(2)}x to ${Math.max(...roundRatios).toFixed(2)}x (by round: ${roundRatios.map((r) => r.toFixed(2)).join(', ')})`

const machine = `${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, TypeScript ${tsVersion}`
const date = new Date().toISOString().slice(0, 10)
writeFileSync(
  join(root, 'results', `typecheck-${routes}.json`),
  `${JSON.stringify({ date, routes, rounds, machine, summary, roundRatios, completions: completionSummary, declarations, checks }, null, 2)}\n`,
)
const rows = Object.entries(summary).map(
  ([name, s]) =>
    `| ${name} | ${s.checkSecondsMedian} s (${s.checkSecondsMin} s) | ${s.totalSecondsMedian} s | ${s.memoryMBMedian} MB | ${s.instantiations.toLocaleString('en')} | ${s.types.toLocaleString('en')} |`,
)
const completionRows = Object.entries(completionSummary).map(
  ([name, s]) =>
    `| ${name} | ${s.coldMsMedian} ms | ${s.afterEditMsMedian} ms (${s.afterEditMsMin} ms) | ${s.entries.join(', ')} |`,
)
writeFileSync(
  join(root, 'results', `typecheck-${routes}.md`),
  `# Type-check benchmark: ${routes} routes, Tandem and @tandem/client against Hono and hc

${date}, ${machine}; ${rounds} rounds, interleaved. ${routes / ROUTES_PER_RESOURCE} resources of ${ROUTES_PER_RESOURCE}
routes each (list with a query and pagination, read with a path parameter and a 404, create with a
JSON body, a 201 and a 409, update with a header, delete with a 204), each resource a router (Tandem)
or a sub-app (Hono) with the same Zod schemas; the client file calls every route once and narrows its
answers. Generated by \`src/generate.ts\`; run with \`pnpm --filter @tandem/typecheck-bench bench ${routes} ${rounds}\`.

\`tsc --noEmit --extendedDiagnostics\` (check time: median, fastest in brackets):

| project | check time | total time | memory | instantiations | types |
| --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

Tandem / Hono with their clients: check time ${ratio('Tandem app + client', 'Hono app + hc', 'checkSecondsMedian')}x,
instantiations ${ratio('Tandem app + client', 'Hono app + hc', 'instantiations')}x, memory ${ratio('Tandem app + client', 'Hono app + hc', 'memoryMBMedian')}x.
Check time round by round: ${roundRange}.
On the apps' declaration files: check time ${ratio('Tandem client on app.d.ts', 'Hono hc on app.d.ts', 'checkSecondsMedian')}x,
instantiations ${ratio('Tandem client on app.d.ts', 'Hono hc on app.d.ts', 'instantiations')}x.

"on app.d.ts": the client reads the app's type from a declaration file (\`tsc --declaration\` of the
app alone, what a project reference or a built package gives a client) instead of inferring it from
the routes. Emitting it took ${Object.entries(declarations)
    .map(([name, d]) => `${d.emitSeconds.toFixed(1)} s for ${name}`)
    .join(' and ')} (one run).

tsserver completions on the last resource's update call, the cursor after its inputs (median; after an
edit, fastest in brackets):

| client | first completion after opening | after an edit | offered |
| --- | --- | --- | --- |
${completionRows.join('\n')}
`,
)
// The repository's formatting (biome), so a run leaves nothing for the linter.
spawnSync('pnpm', ['exec', 'biome', 'format', '--write', 'results'], { cwd: root, stdio: 'inherit' })
console.log(`wrote results/typecheck-${routes}.md`)
