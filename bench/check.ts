/**
 * Benchmark: `amr check` on a generated 10,000-resource plan against `JSON.parse` of the same file, in one run.
 * Both run in this process on the same file, alternating, after five warm-up rounds; medians are compared. The timed check is what
 * a user waits for: reading the file, the rules and the JSON report handed to standard output (in pieces of UTF-8 bytes, as the CLI
 * writes them); joining and reading that report back (to count its findings) is the benchmark's own work and happens after the clock stops.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../src/cli/main';
import { median, Reporter } from './report';

const RESOURCES = Number(process.env.AMR_BENCH_PLAN_RESOURCES ?? 10000);
const ROUNDS = Number(process.env.AMR_BENCH_CHECK_ROUNDS ?? process.env.AMR_BENCH_ROUNDS ?? 9);
const WARM_UP = 5;

/** A plan with RESOURCES resource changes: caches (some changing), geo groups of three, diagnostics, other resources. */
export function generatePlan(resources: number): string {
  const changes: unknown[] = [];
  const config: unknown[] = [];
  const regions = ['westeurope', 'northeurope', 'swedencentral', 'westus', 'eastus2'];
  for (let i = 0; changes.length < resources; i++) {
    const name = `cache_${i}`;
    const cache = {
      name: `cache-${i}`,
      resource_group_name: 'rg',
      location: regions[i % regions.length],
      sku_name: i % 7 === 0 ? 'Balanced_B1' : 'Balanced_B10',
      high_availability_enabled: i % 11 !== 0,
      public_network_access: 'Disabled',
      default_database: [{ access_keys_authentication_enabled: false, client_protocol: 'Encrypted', clustering_policy: 'OSSCluster', eviction_policy: 'VolatileLRU', module: [], geo_replication_group_name: i % 3 === 0 ? `g${Math.floor(i / 9)}` : '', persistence_redis_database_backup_frequency: i % 3 === 0 ? '' : '1h' }],
      tags: { index: String(i) },
      timeouts: { create: '90m' },
    };
    const after = i % 5 === 0 ? { ...cache, default_database: [{ ...cache.default_database[0], eviction_policy: 'AllKeysLRU' }] } : cache;
    changes.push({ address: `azurerm_managed_redis.${name}`, mode: 'managed', type: 'azurerm_managed_redis', name, change: { actions: i % 5 === 0 ? ['update'] : ['no-op'], before: cache, after, after_unknown: {} } });
    changes.push({ address: `azurerm_monitor_diagnostic_setting.diag_${i}`, mode: 'managed', type: 'azurerm_monitor_diagnostic_setting', name: `diag_${i}`, change: { actions: ['create'], before: null, after: { name: `diag-${i}` }, after_unknown: { target_resource_id: true } } });
    config.push({ address: `azurerm_monitor_diagnostic_setting.diag_${i}`, expressions: { target_resource_id: { references: [`azurerm_managed_redis.${name}.id`, `azurerm_managed_redis.${name}`] } } });
    changes.push({ address: `azurerm_resource_group.rg_${i}`, mode: 'managed', type: 'azurerm_resource_group', name: `rg_${i}`, change: { actions: ['no-op'], before: { name: `rg-${i}` }, after: { name: `rg-${i}` }, after_unknown: {} } });
  }
  return JSON.stringify({ format_version: '1.2', resource_changes: changes.slice(0, resources), configuration: { provider_config: { azurerm: { version_constraint: '4.55.0' } }, root_module: { resources: config } } }, null, 2);
}

async function time(fn: () => unknown | Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function benchCheck(report: Reporter): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-bench-plan-'));
  const file = path.join(dir, 'plan.json');
  fs.writeFileSync(file, generatePlan(RESOURCES));
  const sizeMb = fs.statSync(file).size / 1024 / 1024;
  const io = { cwd: dir, stdout: () => undefined, stderr: (t: string) => process.stderr.write(t), readStdin: async () => '', isTty: false };
  const parse: number[] = [];
  const check: number[] = [];
  let pieces: Array<string | Uint8Array> = [];
  const checkIo = { ...io, stdout: (t: string | Uint8Array) => void pieces.push(t) };
  // Warm-up: V8 optimizes the engine and the rules over the first runs, and the heap settles; both sides are run, as in
  // the rounds. With one warm-up run the first two timed checks took twice as long as the rest; with three, the first
  // timed check still did (227-245 ms against 110-130 ms), on a machine whose rounds vary by a fifth: hence five, and
  // nine rounds.
  for (let i = 0; i < WARM_UP; i++) {
    JSON.parse(fs.readFileSync(file, 'utf8'));
    await main(['check', 'plan.json', '--format', 'json', '--fail-on', 'never'], checkIo);
  }
  for (let round = 0; round < ROUNDS; round++) {
    parse.push(await time(() => JSON.parse(fs.readFileSync(file, 'utf8'))));
    pieces = [];
    check.push(await time(() => main(['check', 'plan.json', '--format', 'json', '--fail-on', 'never'], checkIo)));
  }
  const findings = (JSON.parse(Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))).toString('utf8')) as { findings: unknown[] }).findings.length;
  report.line(`amr check on a ${RESOURCES}-resource plan (${sizeMb.toFixed(1)} MB, ${findings} findings), ${ROUNDS} rounds, medians`);
  report.line(`  JSON.parse of the file : ${median(parse).toFixed(0)} ms`);
  report.line(`  amr check --format json: ${median(check).toFixed(0)} ms`);
  report.line(`  ratio check/parse      : x${(median(check) / median(parse)).toFixed(1)}`);
  report.measure({ bench: 'check', measure: 'plan_10k', value: median(check), baseline: median(parse), unit: 'ms' });
  fs.rmSync(dir, { recursive: true, force: true });
}
