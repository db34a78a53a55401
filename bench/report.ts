/**
 * The benchmarks' one reporter: human lines as each benchmark runs, a table of every measure at the end, and with
 * `--json` one JSON line per measure as it is taken:
 *   {"bench":"proxy","measure":"set_p1","value":…,"baseline":…,"ratio":…,"unit":"req/s"}
 * `value` is ours, `baseline` the reference measured in the same run, `ratio` = value ÷ baseline (for throughput, higher
 * is better; for times, lower is better). Extra fields (e.g. geo's `lost`) sit beside them.
 */

/** The benchmarks `npm run bench -- NAME` selects, in the order a full run takes them. */
export const BENCH_NAMES = ['synth', 'check', 'emulator', 'proxy', 'geo', 'backup', 'failover'] as const;
export type BenchName = (typeof BENCH_NAMES)[number];

export interface BenchArgs {
  /** The benchmarks to run (every one when none is named). */
  readonly only: readonly BenchName[];
  readonly json: boolean;
}

/** `npm run bench -- [NAME ...] [--json]`; throws a one-line usage error for anything else. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const only: BenchName[] = [];
  let json = false;
  for (const arg of argv) {
    if (arg === '--json') json = true;
    else if ((BENCH_NAMES as readonly string[]).includes(arg)) only.push(arg as BenchName);
    else throw new Error(`unknown benchmark argument '${arg}': use [${BENCH_NAMES.join('|')} ...] [--json]`);
  }
  return { only, json };
}

export interface Measure {
  readonly bench: string;
  readonly measure: string;
  readonly value: number;
  readonly baseline: number;
  readonly unit: string;
  /** Fields printed beside the figures (e.g. `lost`). */
  readonly extra?: Readonly<Record<string, number | string>>;
}

/** The JSON line of a measure: the named fields in this order, ratio = value ÷ baseline, extra fields after. */
export function measureLine(m: Measure): string {
  const round = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(6)) : null);
  return JSON.stringify({ bench: m.bench, measure: m.measure, value: round(m.value), baseline: round(m.baseline), ratio: round(m.value / m.baseline), unit: m.unit, ...m.extra });
}

export class Reporter {
  private readonly measures: Measure[] = [];

  public constructor(
    private readonly json: boolean,
    private readonly out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {}

  /** A human line (headings, details). */
  public line(text: string): void {
    this.out(text);
  }

  /** Records a measure (and prints its JSON line at once with --json). */
  public measure(m: Measure): void {
    this.measures.push(m);
    if (this.json) this.out(measureLine(m));
  }

  /** The table of every measure taken. */
  public table(): void {
    if (this.measures.length === 0) return;
    const rows = this.measures.map((m) => [
      `${m.bench}.${m.measure}`,
      `${format(m.value)} ${m.unit}`,
      `${format(m.baseline)} ${m.unit}`,
      `x${(m.value / m.baseline).toFixed(2)}`,
      Object.entries(m.extra ?? {}).map(([k, v]) => `${k} ${v}`).join(', '),
    ]);
    const header = ['measure', 'value', 'baseline', 'ratio', ''];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    this.out('');
    for (const row of [header, ...rows]) this.out(row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
  }
}

function format(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(Math.abs(x) >= 10 ? 1 : 3);
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
