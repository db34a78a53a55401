/**
 * Emulator benchmarks, each against a baseline measured in the same run:
 * - start-up: `amr emulate up` of the production example against starting the same number of bare redis-servers;
 * - throughput and p50 latency through the cache's endpoint (TLS + proxy; redis-benchmark, SET/GET, -P 1 and -P 16) against a redis-server directly;
 * - failover gap per profile (a zone drill) against the service's documented 10-15 s;
 * - geo lag: at a steady write rate in one region, the time until each write is visible in another region, against
 *   the configured extra lag (`--geo-lag-ms`).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Redis from 'ioredis';
import { MissionCriticalStack } from '../examples/mission-critical/stack';
import { ProductionStack } from '../examples/production/stack';
import { drill } from '../src/emulator/drill';
import { down, status, up } from '../src/emulator/emulator';
import { freePorts } from '../src/emulator/ports';
import { sleep, startRedisServer, stopProcess } from '../src/emulator/processes';
import { synthesizeStack } from '../test/support/synth';

const synthesizeProduction = (): string => synthesizeStack('production', (app, id) => new ProductionStack(app, id));

interface BenchResult {
  readonly rps: number;
  readonly p50: number;
}

/** redis-benchmark -q output: `SET: 123456.79 requests per second, p50=0.159 msec`. */
function redisBenchmark(port: number, pipeline: number, password: string | null, caFile: string | null = null): Record<string, BenchResult> {
  const tls = caFile ? ['--tls', '--cacert', caFile] : [];
  const args = ['-p', String(port), ...tls, '-t', 'set,get', '-n', '40000', '-c', '20', '-P', String(pipeline), '-q', '-r', '100000', ...(password ? ['-a', password] : [])];
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
  const stackDir = synthesizeProduction();
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
    // Through the cache's endpoint, as an app connects (TLS when the cache is Encrypted), against a bare redis-server.
    const endpointPort = Number(cache.endpoint!.split(':')[1]);
    const direct = ports[0];
    console.log(`  through the endpoint ${cache.endpoint}${cache.tls ? ' (TLS)' : ''}, then the proxy and the shards`);
    for (const pipeline of [1, 16]) {
      const viaProxy = redisBenchmark(endpointPort, pipeline, cache.password, cache.caFile);
      const viaRedis = redisBenchmark(direct, pipeline, null);
      for (const op of ['SET', 'GET']) {
        const p = viaProxy[op];
        const d = viaRedis[op];
        if (!p || !d) continue;
        console.log(
          `  ${op} -P ${String(pipeline).padEnd(2)}: endpoint ${p.rps.toFixed(0)} req/s p50 ${p.p50} ms; direct ${d.rps.toFixed(0)} req/s p50 ${d.p50} ms; throughput ratio x${(p.rps / d.rps).toFixed(2)}, p50 ratio x${(p.p50 / d.p50).toFixed(1)}`,
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
  await benchGeoLag();
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * Geo lag: the mission-critical example's three regions (one shard each); `rate` SETs per second for `seconds` in the
 * first region; a reader in the second region polls (pipelined MGET every 2 ms) until each write shows up. Lag = time
 * visible in the second region minus time acknowledged in the first. Run for each configured extra lag.
 */
export async function benchGeoLag(rate = 500, seconds = 10, extraLags: readonly number[] = [0, 20]): Promise<void> {
  const stackDir = synthesizeStack('mission-critical', (app, id) => new MissionCriticalStack(app, id));
  console.log(`geo lag (mission-critical example, 3 regions x 1 shard; ${rate} SET/s for ${seconds} s in the first region, read in the second)`);
  for (const geoLagMs of extraLags) {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-bench-geo-state-'));
    await up({ source: stackDir, stateDir, shards: 1, geoLagMs });
    try {
      const s = await status(stateDir);
      const members = s.geo[0].members.map((m) => s.caches.find((c) => c.name === m.cache)!);
      const client = (i: number) =>
        new Redis({ port: Number(members[i].endpoint!.split(':')[1]), password: members[i].password ?? undefined, tls: members[i].caFile ? { ca: fs.readFileSync(members[i].caFile!) } : undefined });
      const [writer, reader] = [client(0), client(1)];
      const acked = new Map<string, number>();
      const lags: number[] = [];
      let failed = 0;
      let done = false;
      const poll = (async () => {
        while (!done) {
          const keys = [...acked.keys()].slice(0, 200);
          if (keys.length > 0) {
            const values = await reader.mget(...keys);
            const now = performance.now();
            keys.forEach((k, i) => {
              if (values[i] === null) return;
              lags.push(now - acked.get(k)!);
              acked.delete(k);
            });
          }
          await sleep(2);
        }
      })();
      const started = performance.now();
      const writes: Array<Promise<void>> = [];
      for (let i = 0; i < rate * seconds; i++) {
        const due = started + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
        const key = `{lag}:${i}`;
        writes.push(
          writer.set(key, String(i)).then(
            () => void acked.set(key, performance.now()),
            () => void failed++,
          ),
        );
      }
      await Promise.all(writes);
      const deadline = Date.now() + 10000;
      while (acked.size > 0 && Date.now() < deadline) await sleep(10);
      done = true;
      await poll;
      writer.disconnect();
      reader.disconnect();
      const sorted = lags.sort((a, b) => a - b);
      console.log(
        `  --geo-lag-ms ${String(geoLagMs).padEnd(3)}: ${sorted.length} writes seen in the second region (${failed} failed, ${acked.size} never seen); lag p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms (configured extra lag ${geoLagMs} ms)`,
      );
    } finally {
      await down({ stateDir, purge: true });
    }
  }
}

/** `ts-node bench/emulator.ts [geo]`: every emulator benchmark, or only the geo lag. */
if (require.main === module) void (process.argv[2] === 'geo' ? benchGeoLag() : benchEmulator());
