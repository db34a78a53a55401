/**
 * Benchmark: synthesizing examples/production with the library against the same resources written with raw provider
 * classes, in one run, alternating the two in separate processes. Measures `cold` (a fresh process: start to the end
 * of its first synth) and `warm` (median synth in a warm process), as ratios library ÷ raw; peak memory beside.
 *
 * Both sides run compiled, as a user's `npx cdktf synth` runs the published library: before timing, the library, the
 * example, the raw baseline and the child are compiled with tsc into one directory (BUILD_DIR, under node_modules so
 * the packages resolve) and the backup function is bundled beside the library as `npm run build` does. No process
 * transpiles TypeScript while it is timed.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { median, Reporter } from './report';

interface Sample {
  variant: string;
  coldMs: number;
  /** CPU time of the process over the same span (its own work, without what other processes take from it). */
  coldCpuMs: number;
  loadMs: number;
  medianSynthMs: number;
  peakRssMb: number;
}

const ROUNDS = Number(process.env.AMR_BENCH_ROUNDS ?? 5);
const ITERATIONS = Number(process.env.AMR_BENCH_ITERATIONS ?? 20);

const ROOT = path.resolve(__dirname, '..');
/** Where the compiled library, example, baseline and child go (rebuilt on every run). */
export const BUILD_DIR = path.join(ROOT, 'node_modules', '.cache', 'amr-bench-synth');

/** Compiles what the children load (tsc, the project's own options) and bundles the backup function beside it. */
export function buildCompiled(): void {
  fs.rmSync(BUILD_DIR, { recursive: true, force: true });
  fs.mkdirSync(BUILD_DIR, { recursive: true });
  const tsconfig = {
    extends: path.join(ROOT, 'tsconfig.json'),
    compilerOptions: { outDir: BUILD_DIR, rootDir: ROOT, declaration: false, types: ['node'], noEmit: false },
    include: [path.join(ROOT, 'src/**/*.ts')],
    files: [path.join(ROOT, 'examples/production/stack.ts'), path.join(ROOT, 'bench/raw-production.ts'), path.join(ROOT, 'bench/synth-child.ts')],
  };
  fs.writeFileSync(path.join(BUILD_DIR, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  // The project type-checks with `npm test`; this build only emits.
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(BUILD_DIR, 'tsconfig.json'), '--noCheck'], { encoding: 'utf8', cwd: ROOT });
  if (tsc.status !== 0) throw new Error(`compiling for the synth benchmark failed: ${tsc.stdout}${tsc.stderr}`);
  const bundle = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(BUILD_DIR, 'src', 'backup', 'bundle'))}).writeFunctionBundle()`], { encoding: 'utf8', cwd: ROOT });
  if (bundle.status !== 0) throw new Error(`bundling the backup function for the synth benchmark failed: ${bundle.stderr}`);
}

function runChild(variant: string): Sample {
  const run = spawnSync(process.execPath, [path.join(BUILD_DIR, 'bench', 'synth-child.js'), variant, String(ITERATIONS)], {
    encoding: 'utf8',
    cwd: ROOT,
  });
  if (run.status !== 0) throw new Error(`benchmark child '${variant}' failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}

export function benchSynth(report: Reporter): void {
  buildCompiled();
  const samples: Record<string, Sample[]> = { raw: [], library: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of round % 2 === 0 ? ['raw', 'library'] : ['library', 'raw']) samples[variant].push(runChild(variant));
  }
  const summary = (v: string) => ({
    cold: median(samples[v].map((s) => s.coldMs)),
    coldCpu: median(samples[v].map((s) => s.coldCpuMs)),
    synth: median(samples[v].map((s) => s.medianSynthMs)),
    load: median(samples[v].map((s) => s.loadMs)),
    rss: median(samples[v].map((s) => s.peakRssMb)),
  });
  const raw = summary('raw');
  const lib = summary('library');
  report.line(`synth of examples/production, compiled (${ROUNDS} rounds x ${ITERATIONS} synths per process, medians)`);
  report.line(`  raw provider classes : cold ${raw.cold.toFixed(0)} ms (CPU ${raw.coldCpu.toFixed(0)} ms, load ${raw.load.toFixed(0)} ms), warm ${raw.synth.toFixed(1)} ms/synth, peak RSS ${raw.rss.toFixed(0)} MB`);
  report.line(`  ManagedRedis library : cold ${lib.cold.toFixed(0)} ms (CPU ${lib.coldCpu.toFixed(0)} ms, load ${lib.load.toFixed(0)} ms), warm ${lib.synth.toFixed(1)} ms/synth, peak RSS ${lib.rss.toFixed(0)} MB`);
  report.line(`  ratio library/raw    : cold x${(lib.cold / raw.cold).toFixed(2)} (CPU x${(lib.coldCpu / raw.coldCpu).toFixed(2)}), warm x${(lib.synth / raw.synth).toFixed(2)}, peak memory x${(lib.rss / raw.rss).toFixed(2)}`);
  report.measure({ bench: 'synth', measure: 'cold', value: lib.cold, baseline: raw.cold, unit: 'ms' });
  report.measure({ bench: 'synth', measure: 'warm', value: lib.synth, baseline: raw.synth, unit: 'ms' });
}
