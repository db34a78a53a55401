/**
 * `npm run bench -- [NAME ...] [--json]`: every benchmark (or the named ones) in one run, each a ratio against a
 * baseline measured alongside; a table of the measures at the end, and with --json one JSON line per measure. Not a
 * test.
 */
import { benchBackup } from './backup';
import { benchCheck } from './check';
import { benchFailover, benchGeoLag, benchProxy, benchStartup } from './emulator';
import { BENCH_NAMES, parseBenchArgs, Reporter, type BenchName } from './report';
import { benchSynth } from './synth';

const benches: Record<BenchName, (report: Reporter) => unknown> = {
  synth: benchSynth,
  check: benchCheck,
  emulator: benchStartup,
  proxy: benchProxy,
  geo: benchGeoLag,
  backup: benchBackup,
  failover: benchFailover,
};

async function run(argv: readonly string[]): Promise<void> {
  let args;
  try {
    args = parseBenchArgs(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  const report = new Reporter(args.json);
  for (const name of BENCH_NAMES) {
    if (args.only.length > 0 && !args.only.includes(name)) continue;
    report.line(`\n== ${name}`);
    await benches[name](report);
  }
  report.table();
}

void run(process.argv.slice(2));
