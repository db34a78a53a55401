/**
 * Emulator benchmarks, each against a baseline measured in the same run:
 * - start-up: `amr emulate up` of the production example against starting the same number of bare redis-servers;
 * - proxy throughput and p50 latency (redis-benchmark, SET/GET, -P 1 and -P 16) against a redis-server directly;
 * - failover gap per profile (a zone drill) against the service's documented 10-15 s.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { ProductionStack } from '../examples/production/stack';
import { drill } from '../src/emulator/drill';
import { down, status, up } from '../src/emulator/emulator';
import { freePorts } from '../src/emulator/ports';
import { startRedisServer, stopProcess } from '../src/emulator/processes';

function synthesize(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-bench-emulator-'));
  const app = new App({ outdir });
  new ProductionStack(app, 'production');
  app.synth();
  return path.join(outdir, 'stacks', 'production');
}

interface BenchResult {
  readonly rps: number;
  readonly p50: number;
}

/** redis-benchmark -q output: `SET: 123456.79 requests per second, p50=0.159 msec`. */
function redisBenchmark(port: number, pipeline: number, password: string | null): Record<string, BenchResult> {
  const args = ['-p', String(port), '-t', 'set,get', '-n', '40000', '-c', '20', '-P', String(pipeline), '-q', '-r', '100000', ...(password ? ['-a', password] : [])];
  const run = spawnSync('redis-benchmark', args, { encoding: 'utf8', timeout: 120000 });
  if (run.status !== 0 || !/requests per second/.test(run.stdout)) console.log(`  redis-benchmark -p ${port} -P ${pipeline} failed: ${(run.stderr || run.stdout).trim().split('\n').pop()}`);
  const results: Record<string, BenchResult> = {};
  for (const line of run.stdout.split(/[\r\n]+/)) {
    const m = line.match(/^(\w+): ([\d.]+) requests per second, p50=([\d.]+) msec/);
    if (m) results[m[1]] = { rps: Number(m[2]), p50: Number(m[3]) };
  }
  return results;
}

export async function benchEmulator(): Promise<void> {
  const stackDir = synthesize();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-bench-state-'));

  // Start-up against bare redis-servers (the same count, no cluster, no proxies) in this run.
  let t0 = Date.now();
  await up({ source: stackDir, stateDir });
  const upMs = Date.now() - t0;
  const s = await status(stateDir);
  const processes = s.caches[0].nodes.flatMap((n) => n.shards).length;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-bench-bare-'));
  const ports = await freePorts(processes);
  t0 = Date.now();
  const bare = await Promise.all(ports.map((port) => startRedisServer({ port, dir: path.join(dir, String(port)) })));
  const bareMs = Date.now() - t0;
  console.log(`start-up (production example: ${processes} redis-server, ${s.caches[0].nodes.length} proxies, supervisor, Azurite, control plane)`);
  console.log(`  amr emulate up: ${(upMs / 1000).toFixed(2)} s; ${processes} bare redis-server: ${(bareMs / 1000).toFixed(2)} s; ratio x${(upMs / bareMs).toFixed(1)}`);

  try {
    const cache = s.caches[0];
    const proxyPort = Number(cache.endpoints[0].split(':')[1]);
    const direct = ports[0];
    for (const pipeline of [1, 16]) {
      const viaProxy = redisBenchmark(proxyPort, pipeline, cache.password);
      const viaRedis = redisBenchmark(direct, pipeline, null);
      for (const op of ['SET', 'GET']) {
        const p = viaProxy[op];
        const d = viaRedis[op];
        if (!p || !d) continue;
        console.log(
          `  ${op} -P ${String(pipeline).padEnd(2)}: proxy ${p.rps.toFixed(0)} req/s p50 ${p.p50} ms; direct ${d.rps.toFixed(0)} req/s p50 ${d.p50} ms; throughput ratio x${(p.rps / d.rps).toFixed(2)}, p50 ratio x${(p.p50 / d.p50).toFixed(1)}`,
        );
      }
    }
  } finally {
    await Promise.all(bare.map((b) => stopProcess(b.pid)));
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const fast = await drill({ kind: 'zone', cache: s.caches[0].name, zone: '1', writesPerSecond: 200, faultMs: 3000, stateDir });
  await down({ stateDir, purge: true });
  const realisticState = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-bench-state-'));
  await up({ source: stackDir, stateDir: realisticState, profile: 'realistic' });
  const realistic = await drill({ kind: 'zone', cache: s.caches[0].name, zone: '1', writesPerSecond: 100, faultMs: 17000, stateDir: realisticState });
  await down({ stateDir: realisticState, purge: true });
  console.log(`failover gap under a zone failure (longest stretch of failed writes), against the service's documented 10-15 s`);
  console.log(`  fast profile: ${(fast.longestGapMs / 1000).toFixed(2)} s; realistic profile: ${(realistic.longestGapMs / 1000).toFixed(2)} s (ratio to 12.5 s: x${(realistic.longestGapMs / 12500).toFixed(2)})`);
  console.log(`geo lag p99: not measured (active geo-replication is not emulated yet)`);
}

if (require.main === module) void benchEmulator();
