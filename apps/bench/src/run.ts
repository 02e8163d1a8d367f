// The bench harness's entry point: node src/run.ts <scenario> [--runs 3] [--duration 5] [--warmup 2]
//   [--only id,id] [--no-save]. Prints a Markdown table and writes results/<scenario>.md.
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { runScenario } from './lib/bench.ts'
import { environment } from './lib/machine.ts'
import { killAll } from './lib/process.ts'
import { markdown } from './lib/report.ts'
import { wrkVersion } from './lib/wrk.ts'
import { scenarios } from './scenarios/index.ts'

const usage = `usage: node src/run.ts <scenario> [options]

scenarios: ${Object.keys(scenarios).join(', ')}

options:
  --runs N        measured runs per server, median reported (default 3)
  --duration S    seconds per measured run (default 5)
  --warmup S      seconds of unrecorded load before each run (default 2; 0 for none)
  --patience S    seconds the scenario may spend on a busy machine (default 60; 0 for none): before a run,
                  wait up to 10 s for other work to drop under 15% of a core; measure a noisy run once more
  --only ids      comma-separated server ids to run (default: all of the scenario)
  --no-save       print only; do not write results/<scenario>.md
  --list          list the scenarios and their server ids`

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    only: { type: 'string', default: '' },
    patience: { type: 'string', default: '60' },
    'no-save': { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
})

function wholeNumber(name: string, text: string, min: number): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < min) {
    console.error(`--${name} must be a whole number ≥ ${min}, got '${text}'`)
    process.exit(2)
  }
  return value
}

if (values.help) {
  console.log(usage)
  process.exit(0)
}
if (values.list) {
  for (const s of Object.values(scenarios)) {
    console.log(`${s.name}: ${s.servers.map((server) => `${server.id} (${server.label})`).join(', ')}`)
  }
  process.exit(0)
}

const name = positionals[0]
const scenario = name === undefined ? undefined : scenarios[name]
if (scenario === undefined) {
  console.error(name === undefined ? usage : `unknown scenario '${name}'\n\n${usage}`)
  process.exit(2)
}

const options = {
  runs: wholeNumber('runs', values.runs, 1),
  duration: wholeNumber('duration', values.duration, 1),
  warmup: wholeNumber('warmup', values.warmup, 0),
  patience: wholeNumber('patience', values.patience, 0),
  only: values.only.split(',').filter(Boolean),
}
const unknown = options.only.filter((id) => !scenario.servers.some((s) => s.id === id))
if (unknown.length > 0) {
  console.error(`unknown server id(s) for ${scenario.name}: ${unknown.join(', ')}`)
  process.exit(2)
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll()
    process.exit(130)
  })
}

const usesBun = scenario.servers.some((server) => server.runtime === 'bun')
const usesWorkerd = scenario.servers.some((server) => server.runtime === 'workerd')
const env = environment(
  wrkVersion(),
  [
    'hono',
    '@hono/node-server',
    '@hono/zod-validator',
    'fastify',
    'zod',
    '@tandem/core',
    '@tandem/node',
    ...(usesBun ? ['elysia', '@tandem/bun'] : []),
    ...(scenario.packages ?? []),
  ],
  usesBun,
  usesWorkerd,
)
const result = await runScenario(scenario, options)
const command = ['pnpm --filter @tandem/bench bench', ...process.argv.slice(2)].join(' ')
const text = markdown(scenario, result, options, env, command)
console.log(`\n${text}`)

if (!values['no-save']) {
  const dir = fileURLToPath(new URL('../results/', import.meta.url))
  mkdirSync(dir, { recursive: true })
  writeFileSync(`${dir}${scenario.name}.md`, text)
  console.error(`written: apps/bench/results/${scenario.name}.md`)
}
