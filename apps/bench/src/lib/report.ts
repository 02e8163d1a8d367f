import {
  type BenchOptions,
  cpuPerRequest,
  isNoisy,
  NOISE_LIMIT,
  type ScenarioResult,
  type ServerOutcome,
  summarize,
} from './bench.ts'
import type { Environment } from './machine.ts'
import { orphans } from './process.ts'
import { formatLatency, formatPercent, formatRps, median } from './stats.ts'
import type { Ratio, Scenario } from './types.ts'
import { errorCount, rate } from './wrk.ts'

/** The ratio lines: `Tandem / bare Hono: 0.97x (target ≥ 0.95x: met)`. */
export function ratioLines(scenario: Scenario, outcomes: ServerOutcome[]): string[] {
  const byId = new Map(outcomes.map((o) => [o.spec.id, o]))
  return scenario.ratios.map((ratio) => {
    const target = ratio.target === undefined ? '' : ` (target ≥ ${ratio.target.toFixed(2)}x`
    const num = byId.get(ratio.numerator)
    const den = byId.get(ratio.denominator)
    const a = num && summarize(num)
    const b = den && summarize(den)
    if (!a || !b) {
      const missing = [
        [ratio.numerator, num],
        [ratio.denominator, den],
      ]
        .filter(([, o]) => !o || !summarize(o as ServerOutcome))
        .map(([id, o]) => `${id} ${o ? 'failed' : 'not run'}`)
      return `- ${ratio.label}: n/a (${missing.join(', ')})${target ? `${target})` : ''}`
    }
    const value = a.rps / b.rps
    const met = ratio.target === undefined || value >= ratio.target
    // Two decimals, unless they would round a miss up to the target (0.9498 → "0.95x: NOT met").
    const shown = !met && Number(value.toFixed(2)) >= ratio.target! ? value.toPrecision(4) : value.toFixed(2)
    const verdict = ratio.target === undefined ? '' : `${target}: ${met ? 'met' : 'NOT met'})`
    // Round by round (run i of one against run i of the other, minutes apart): the spread of the ratio.
    const rounds = num!.runs.slice(0, den!.runs.length).map((run, i) => run.rps / den!.runs[i]!.rps)
    const spread =
      rounds.length > 1
        ? `; by round: ${Math.min(...rounds).toFixed(2)}–${Math.max(...rounds).toFixed(2)}x`
        : ''
    const perCore = (a.perCore / b.perCore).toFixed(2)
    const line = `- ${ratio.label}: **${shown}x**${verdict}${spread}; per server core: ${perCore}x`
    return ratio.costTarget === undefined && !ratio.cost ? line : `${line}\n${costLine(ratio, num!, den!)}`
  })
}

/**
 * `  - server CPU per request: 1.02x (target ≤ 1.05x: met); by round: ...`, from the runs' µs/request
 * (without a `costTarget`: the ratio and its range only).
 */
function costLine(ratio: Ratio, num: ServerOutcome, den: ServerOutcome): string {
  const a = summarize(num)!
  const b = summarize(den)!
  const max = ratio.costTarget
  const value = a.cost / b.cost
  const met = max === undefined || value <= max
  // Two decimals, unless they would round a miss down to the target (1.0504 → "1.05x: NOT met").
  const shown = !met && Number(value.toFixed(2)) <= max! ? value.toPrecision(4) : value.toFixed(2)
  const rounds = num.runs
    .slice(0, den.runs.length)
    .map((run, i) => cpuPerRequest(run) / cpuPerRequest(den.runs[i]!))
  const spread =
    rounds.length > 1
      ? `; by round: ${Math.min(...rounds).toFixed(2)}–${Math.max(...rounds).toFixed(2)}x`
      : ''
  const sorted = [...rounds].sort((x, y) => x - y)
  const head = `  - server CPU per request (${formatMicros(a.cost)} / ${formatMicros(b.cost)}): **${shown}x**`
  if (max === undefined) {
    return `${head}${spread}${rounds.length > 1 ? `; median round ${median(sorted).toFixed(2)}x` : ''}`
  }
  const within = rounds.filter((r) => r <= max).length
  return (
    `${head} (target ≤ ${max.toFixed(2)}x: ${met ? 'met' : 'NOT met'})${spread}` +
    (rounds.length > 1
      ? `; median round ${median(sorted).toFixed(2)}x; ${within} of ${rounds.length} rounds within the target`
      : '')
  )
}

const formatMicros = (us: number) => (Number.isFinite(us) ? `${us.toFixed(1)} µs` : 'n/a')

/** The results table, in the columns of measurements.md. */
export function table(scenario: Scenario, outcomes: ServerOutcome[]): string {
  const probe = scenario.load.probe !== undefined
  const extra = scenario.columns ?? []
  const costs = scenario.costs !== undefined
  const header = [
    'server',
    'req/s median (min–max)',
    'req/s per server core',
    'p50',
    'p99',
    ...(probe ? ['/health p50', '/health p99', '/health req/s'] : []),
    'server CPU',
    'foreign CPU',
    'steal',
    'errors',
    ...(costs ? ['CPU per request', 'processes', 'first process CPU', 'wrk CPU'] : []),
    ...extra,
  ]
  const rows = outcomes.map((outcome) => {
    const s = summarize(outcome)
    const columns = extra.map((name) => outcome.check?.columns[name] ?? '')
    if (!s) {
      const blanks = header.length - 2 - extra.length
      return [outcome.spec.label, 'failed', ...Array(blanks).fill(''), ...columns]
    }
    const run = s.medianRun
    const p = run.probe
    return [
      outcome.spec.label,
      `${formatRps(s.rps)} (${formatRps(s.min)}–${formatRps(s.max)})`,
      formatRps(s.perCore),
      formatLatency(run.main.latency_us.p50),
      formatLatency(run.main.latency_us.p99),
      ...(probe && p
        ? [formatLatency(p.latency_us.p50), formatLatency(p.latency_us.p99), String(Math.round(rate(p)))]
        : probe
          ? ['', '', '']
          : []),
      formatPercent(s.serverCpu),
      formatPercent(s.foreignCpu),
      formatPercent(s.stealCpu),
      String(errorCount(run.main)),
      ...(costs
        ? [formatMicros(s.cost), String(s.processes), formatPercent(s.rootCpu), formatPercent(s.loadCpu)]
        : []),
      ...columns,
    ]
  })
  // Columns padded to their widest cell, as Biome formats Markdown tables.
  const widths = header.map((_, i) =>
    Math.max(3, ...[header, ...rows].map((row) => [...(row[i] ?? '')].length)),
  )
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

export function markdown(
  scenario: Scenario,
  { outcomes, before, waited, busyStarts }: ScenarioResult,
  options: BenchOptions,
  env: Environment,
  command: string,
): string {
  const { load } = scenario
  const conns = `${load.connections} connection${load.connections === 1 ? '' : 's'}`
  const probe = load.probe
    ? `, plus a paced probe on \`${load.probe.path}\` (1 connection, ~${load.probe.rate} req/s)`
    : ''
  const noisy = outcomes.flatMap((o) => o.runs).filter(isNoisy).length
  const runCount = outcomes.reduce((n, o) => n + o.runs.length, 0)
  const retried = outcomes.reduce((n, o) => n + o.retried, 0)
  const failures = outcomes.filter((o) => o.error !== undefined)
  const packages = Object.entries(env.packages)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ')
  const lines = [
    `# ${scenario.title}`,
    '',
    scenario.description,
    '',
    `- Date: ${env.date}`,
    `- Machine: ${env.machine}`,
    `- Node ${env.node}; Bun ${env.bun}; ${env.workerd ? `${env.workerd}; ` : ''}${(scenario.tools?.() ?? []).map((tool) => `${tool}; `).join('')}${env.wrk}`,
    `- Packages: ${packages}`,
    `- Commit: ${env.commit}`,
    `- Load: ${load.protocol === 'websocket' ? `WebSocket echo of \`${JSON.stringify(load.body)}\` at \`${load.path}\`, src/lib/ws-client.ts` : `\`${load.method} ${load.path}\`, wrk -t1`}, ${conns}${probe}; ${options.warmup} s warm-up + ${options.duration} s ` +
      `per run, median of ${options.runs}; servers alternate between runs (A B A B ...), each a child process on ` +
      '127.0.0.1 stopped by PID.',
    `- Command: \`${command}\``,
    `- Machine load in the second before the servers started: ${formatPercent(before.busy)} busy, ` +
      `${formatPercent(before.steal)} steal (% of one core); 1-minute load average ${before.loadAverage.toFixed(2)}.`,
    '',
    table(scenario, outcomes),
    '',
    '"req/s per server core" = req/s ÷ the server\'s CPU share, median of the runs: the CPU cost of a request,',
    'steadier than req/s when the server did not get a whole core.',
    'p50/p99 are those of the median run; CPU columns are % of ONE core, medians of the runs ("foreign" = busy',
    'time used by neither the server nor wrk; "steal" = time the host gave to other virtual machines).',
    '"errors" = non-2xx answers plus socket errors in the median run.',
    ...(scenario.costs === undefined ? [] : ['', scenario.costs]),
    '',
    '## Ratios (median req/s, same run)',
    '',
    '"by round": the range of the ratio between the two servers\' runs of the same round (A B ... A B ...).',
    '',
    ...ratioLines(scenario, outcomes),
  ]
  if (waited >= 1 || busyStarts > 0) {
    lines.push(
      '',
      `The harness waited ${Math.round(waited)} s in all for a quiet machine before runs` +
        (busyStarts > 0 ? `; ${busyStarts} run(s) started while it was still busy.` : '.'),
    )
  }
  if (retried > 0) {
    lines.push(
      '',
      `${retried} run(s) were measured again because other work took more than ${NOISE_LIMIT}% of a core ` +
        'during them; the table keeps the second measurement.',
    )
  }
  if (noisy > 0) {
    lines.push(
      '',
      `**Warning: the machine was not quiet in ${noisy} of ${runCount} runs kept** (foreign + steal CPU above ` +
        `${NOISE_LIMIT}% of one core): absolute figures are low and noisy; the ratios, from alternating runs, ` +
        'hold better.',
    )
  }
  if (scenario.costs !== undefined) {
    lines.push(
      '',
      orphans.length === 0
        ? 'Each server was stopped by SIGTERM to its first process; every process found below it just before ' +
            'was gone within 3 s of its exit (no orphan loop).'
        : `**Processes outlived their server** (killed by PID): ${orphans.join('; ')}.`,
    )
  }
  if (failures.length > 0) {
    lines.push('', '## Failures', '')
    for (const f of failures) lines.push(`- ${f.spec.label}: ${f.error!.trim().replaceAll('\n', '\n  ')}`)
  }
  if (scenario.reference) lines.push('', '## Reference (docs/measurements.md)', '', scenario.reference)
  return `${lines.join('\n')}\n`
}
