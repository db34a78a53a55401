/**
 * Benchmark: synthesizing examples/production with the library against the same resources written with raw provider
 * classes, in one run, alternating the two in separate processes. Measures `cold` (a fresh process: start to the end
 * of its first synth) and `warm` (median synth in a warm process), as ratios library ÷ raw; peak memory beside.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { median, Reporter } from './report';

interface Sample {
  variant: string;
  coldMs: number;
  loadMs: number;
  medianSynthMs: number;
  peakRssMb: number;
}

const ROUNDS = Number(process.env.AMR_BENCH_ROUNDS ?? 5);
const ITERATIONS = Number(process.env.AMR_BENCH_ITERATIONS ?? 20);

function runChild(variant: string): Sample {
  const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'synth-child.ts'), variant, String(ITERATIONS)], {
    encoding: 'utf8',
    cwd: path.resolve(__dirname, '..'),
  });
  if (run.status !== 0) throw new Error(`benchmark child '${variant}' failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}

export function benchSynth(report: Reporter): void {
  const samples: Record<string, Sample[]> = { raw: [], library: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of round % 2 === 0 ? ['raw', 'library'] : ['library', 'raw']) samples[variant].push(runChild(variant));
  }
  const summary = (v: string) => ({
    cold: median(samples[v].map((s) => s.coldMs)),
    synth: median(samples[v].map((s) => s.medianSynthMs)),
    load: median(samples[v].map((s) => s.loadMs)),
    rss: median(samples[v].map((s) => s.peakRssMb)),
  });
  const raw = summary('raw');
  const lib = summary('library');
  report.line(`synth of examples/production (${ROUNDS} rounds x ${ITERATIONS} synths per process, medians)`);
  report.line(`  raw provider classes : cold ${raw.cold.toFixed(0)} ms (load ${raw.load.toFixed(0)} ms), warm ${raw.synth.toFixed(1)} ms/synth, peak RSS ${raw.rss.toFixed(0)} MB`);
  report.line(`  ManagedRedis library : cold ${lib.cold.toFixed(0)} ms (load ${lib.load.toFixed(0)} ms), warm ${lib.synth.toFixed(1)} ms/synth, peak RSS ${lib.rss.toFixed(0)} MB`);
  report.line(`  ratio library/raw    : cold x${(lib.cold / raw.cold).toFixed(2)}, warm x${(lib.synth / raw.synth).toFixed(2)}, peak memory x${(lib.rss / raw.rss).toFixed(2)}`);
  report.measure({ bench: 'synth', measure: 'cold', value: lib.cold, baseline: raw.cold, unit: 'ms' });
  report.measure({ bench: 'synth', measure: 'warm', value: lib.synth, baseline: raw.synth, unit: 'ms' });
}
