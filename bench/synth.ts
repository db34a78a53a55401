/**
 * Benchmark: synthesizing examples/production with the library against the same resources written with raw provider
 * classes, in one run, alternating the two in separate processes. Prints wall time and peak memory as ratios.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

interface Sample {
  variant: string;
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function benchSynth(): { ratioTime: number; ratioMemory: number } {
  const samples: Record<string, Sample[]> = { raw: [], library: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of round % 2 === 0 ? ['raw', 'library'] : ['library', 'raw']) samples[variant].push(runChild(variant));
  }
  const summary = (v: string) => ({
    synth: median(samples[v].map((s) => s.medianSynthMs)),
    load: median(samples[v].map((s) => s.loadMs)),
    rss: median(samples[v].map((s) => s.peakRssMb)),
  });
  const raw = summary('raw');
  const lib = summary('library');
  const ratioTime = lib.synth / raw.synth;
  const ratioMemory = lib.rss / raw.rss;
  console.log(`synth of examples/production (${ROUNDS} rounds x ${ITERATIONS} synths per process, medians)`);
  console.log(`  raw provider classes : ${raw.synth.toFixed(1)} ms/synth, load ${raw.load.toFixed(0)} ms, peak RSS ${raw.rss.toFixed(0)} MB`);
  console.log(`  ManagedRedis library : ${lib.synth.toFixed(1)} ms/synth, load ${lib.load.toFixed(0)} ms, peak RSS ${lib.rss.toFixed(0)} MB`);
  console.log(`  ratio library/raw    : wall time x${ratioTime.toFixed(2)}, peak memory x${ratioMemory.toFixed(2)}`);
  return { ratioTime, ratioMemory };
}

if (require.main === module) benchSynth();
