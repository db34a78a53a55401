/**
 * Emulator benchmarks, each against a baseline measured in the same run:
 * - `emulator`: start-up, `amr emulate up` of the production and mission-critical examples against starting the same
 *   number of bare redis-servers;
 * - `proxy`: throughput and p50 latency (redis-benchmark, SET/GET, -P 1 and -P 16) through the cache's endpoint against
 *   a redis-server directly, TLS against TLS and plaintext against plaintext;
 * - `failover`: the failover gap per profile (a zone drill) against the service's documented 10-15 s;
 * - `geo`: at 5,000 writes/s in one region, the time until each write is visible in another region (`--geo-lag-ms 0`),
 *   against the 50 ms goal, with the writes lost.
 */
import { spawn, spawnSync } from 'child_process';
import { monitorEventLoopDelay } from 'perf_hooks';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Redis from 'ioredis';
import { MissionCriticalStack } from '../examples/mission-critical/stack';
import { ProductionStack } from '../examples/production/stack';
import { info } from '../src/emulator/cluster';
import { drill } from '../src/emulator/drill';
import { down, readManifest, status, up, type EmulatorStatus } from '../src/emulator/emulator';
import { freePorts } from '../src/emulator/ports';
import { sleep, startRedisServer, stopProcess } from '../src/emulator/processes';
import { command } from '../src/emulator/resp';
import { makeTlsMaterial } from '../src/emulator/tls';
import { synthesizeStack } from '../test/support/synth';
import { median, type Reporter } from './report';

const synthesizeProduction = (): string => synthesizeStack('production', (app, id) => new ProductionStack(app, id));
const synthesizeMissionCritical = (): string => synthesizeStack('mission-critical', (app, id) => new MissionCriticalStack(app, id));
const removeStack = (stackDir: string) => fs.rmSync(path.dirname(path.dirname(stackDir)), { recursive: true, force: true });
const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** The port of a cache's endpoint (the first one status lists). */
const endpointPort = (cache: EmulatorStatus['caches'][number]): number => Number((cache.endpoint ?? cache.endpoints[0]).split(':').pop());

/** Starts `count` bare redis-servers at once; returns the time it took and their stop. */
async function bareRedisServers(count: number): Promise<{ ms: number; ports: number[]; stop(): Promise<void> }> {
  const dir = tempDir('amr-bench-bare-');
  const ports = await freePorts(count);
  const t0 = performance.now();
  const bare = await Promise.all(ports.map((port) => startRedisServer({ port, dir: path.join(dir, String(port)) })));
  const ms = performance.now() - t0;
  return {
    ms,
    ports,
    stop: async () => {
      await Promise.all(bare.map((b) => stopProcess(b.pid)));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `amr emulate up` of the production and mission-critical examples against bare redis-servers of the same count. */
export async function benchStartup(report: Reporter): Promise<void> {
  for (const [measure, synthesize] of [['up_production', synthesizeProduction], ['up_mission_critical', synthesizeMissionCritical]] as const) {
    const stackDir = synthesize();
    const stateDir = tempDir('amr-bench-state-');
    try {
      const t0 = performance.now();
      await up({ source: stackDir, stateDir });
      const upMs = performance.now() - t0;
      const s = await status(stateDir);
      const processes = s.caches.flatMap((c) => c.nodes.flatMap((n) => n.shards)).length;
      await down({ stateDir, purge: true });
      const bare = await bareRedisServers(processes);
      await bare.stop();
      const proxies = s.caches.reduce((n, c) => n + c.nodes.length, 0);
      report.line(`start-up, ${measure.slice(3)} example: ${s.caches.length} cache(s), ${processes} redis-server, ${proxies} proxies, ${s.geo.length ? `${s.geo[0].members.length} geo replicators, ` : ''}supervisor, Azurite, control plane`);
      report.line(`  amr emulate up: ${(upMs / 1000).toFixed(2)} s; ${processes} bare redis-server: ${(bare.ms / 1000).toFixed(2)} s; ratio x${(upMs / bare.ms).toFixed(1)}`);
      report.measure({ bench: 'emulator', measure, value: upMs / 1000, baseline: bare.ms / 1000, unit: 's' });
    } finally {
      await down({ stateDir, purge: true });
      removeStack(stackDir);
    }
  }
}

interface BenchResult {
  readonly rps: number;
  readonly p50: number;
}

/** redis-benchmark -q output: `SET: 123456.79 requests per second, p50=0.159 msec`. */
function redisBenchmark(report: Reporter, port: number, pipeline: number, password: string | null, caFile: string | null = null): Record<string, BenchResult> {
  const tls = caFile ? ['--tls', '--cacert', caFile] : [];
  const args = ['-p', String(port), ...tls, '-t', 'set,get', '-n', '40000', '-c', '50', '-P', String(pipeline), '-q', '-r', '100000', ...(password ? ['-a', password] : [])];
  const run = spawnSync('redis-benchmark', args, { encoding: 'utf8', timeout: 120000 });
  if (run.status !== 0 || !/requests per second/.test(run.stdout)) report.line(`  redis-benchmark -p ${port} -P ${pipeline} failed: ${(run.stderr || run.stdout).trim().split('\n').pop()}`);
  const results: Record<string, BenchResult> = {};
  for (const line of run.stdout.split(/[\r\n]+/)) {
    const m = line.match(/^(\w+): ([\d.]+) requests per second, p50=([\d.]+) msec/);
    if (m) results[m[1]] = { rps: Number(m[2]), p50: Number(m[3]) };
  }
  return results;
}

/** Rounds of each redis-benchmark run in `proxy` (AMR_BENCH_PROXY_ROUNDS). */
const PROXY_ROUNDS = Number(process.env.AMR_BENCH_PROXY_ROUNDS ?? 3);

/** The median throughput and median p50 of one test over rounds (undefined if a round lacks it). */
function medianResult(rounds: ReadonlyArray<Record<string, BenchResult>>, op: string): BenchResult | undefined {
  const results = rounds.map((r) => r[op]);
  if (results.some((r) => r === undefined)) return undefined;
  return { rps: median(results.map((r) => r.rps)), p50: median(results.map((r) => r.p50)) };
}

/**
 * The baseline of `proxy`: a redis-server with a replica attached (as every shard behind the endpoint has one: a SET
 * there is also streamed to a replica, on the same two cores), serving TLS itself (`--tls-port`, a certificate from a
 * CA made like the emulator's) or plaintext. The replica follows over plaintext, as the shards' replicas do.
 */
async function directRedisServer(tls: boolean): Promise<DirectServer> {
  const dir = tempDir('amr-bench-direct-');
  const files = tls ? await makeTlsMaterial(dir) : undefined;
  const [port, tlsPort, replicaPort] = await freePorts(3);
  const tlsConfig = files ? { 'tls-port': String(tlsPort), 'tls-cert-file': files.certFile, 'tls-key-file': files.keyFile, 'tls-ca-cert-file': files.caFile, 'tls-auth-clients': 'no' } : undefined;
  const servers = [await startRedisServer({ port, dir: path.join(dir, 'primary'), config: tlsConfig })];
  const stop = async () => {
    await Promise.all(servers.map((s) => stopProcess(s.pid)));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    servers.push(await startRedisServer({ port: replicaPort, dir: path.join(dir, 'replica') }));
    await command(replicaPort, ['REPLICAOF', '127.0.0.1', String(port)]);
    const deadline = Date.now() + 10000;
    while ((await info(replicaPort, 'replication')).master_link_status !== 'up') {
      if (Date.now() > deadline) throw new Error(`the baseline's replica on port ${replicaPort} never reported master_link_status:up`);
      await sleep(20);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { port: files ? tlsPort : port, plainPort: port, caFile: files?.caFile ?? null, tls: files, stop };
}

interface DirectServer {
  /** The port clients use (TLS or plaintext). */
  readonly port: number;
  /** The primary's plaintext port. */
  readonly plainPort: number;
  readonly caFile: string | null;
  /** The server's certificate and key (TLS only). */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  stop(): Promise<void>;
}

/**
 * The floor of one more hop through Node on this machine, without any of the proxy's work: a Node process that pipes
 * each client's bytes, unparsed, into a connection of its own to the direct redis-server (`pipe` both ways, no delay),
 * terminating TLS as the endpoint does.
 */
const PASS_THROUGH = `
const net = require('net'), tls = require('tls'), fs = require('fs');
const [target, cert, key] = process.argv.slice(1);
const serve = (client) => {
  client.setNoDelay(true);
  const upstream = net.connect({ port: Number(target), host: '127.0.0.1' });
  upstream.setNoDelay(true);
  client.pipe(upstream);
  upstream.pipe(client);
  for (const [a, b] of [[client, upstream], [upstream, client]]) {
    a.on('error', () => b.destroy());
    a.on('close', () => b.destroy());
  }
};
const server = cert ? tls.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key), minVersion: 'TLSv1.2' }, serve) : net.createServer(serve);
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

/** Starts the pass-through to `direct` in its own Node process; resolves with its port once it listens. */
function passThrough(direct: DirectServer): Promise<{ port: number; stop(): void }> {
  const args = [String(direct.plainPort), ...(direct.tls ? [direct.tls.certFile, direct.tls.keyFile] : [])];
  const child = spawn(process.execPath, ['-e', PASS_THROUGH, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the pass-through exited with ${code}`)));
    child.stdout.once('data', (chunk: Buffer) => resolve({ port: Number(chunk.toString().trim()), stop: () => void child.kill() }));
  });
}

/** The production example's stack with its cache's client protocol set to `protocol` (a manifest file `up` reads). */
function productionManifest(stackDir: string, protocol: 'Encrypted' | 'Plaintext'): string {
  const manifest = readManifest(stackDir);
  const file = path.join(stackDir, `amr.topology.${protocol.toLowerCase()}.json`);
  fs.writeFileSync(file, JSON.stringify({ ...manifest, caches: manifest.caches.map((c) => ({ ...c, clientProtocol: protocol })) }));
  return file;
}

/**
 * redis-benchmark (50 clients) through the production cache's endpoint against a redis-server directly, in two pairs:
 * - as the example configures it (client protocol Encrypted: TLS on the endpoint) against a redis-server serving TLS
 *   itself: the issue's measures (`set_p1`, `get_p1`, `set_p16`, `get_p16`, `p50_p1`);
 * - the same cache set to Plaintext against a plain redis-server: the same measures with `_plain`.
 * Each pair has the same transport and the same replication on both sides (the direct redis-server has a replica, as
 * each shard does), so the ratio is the cost of the emulator (endpoint, proxy, routing to a cluster shard), not of TLS
 * or of replication. Proxy, direct and floor runs alternate (AMR_BENCH_PROXY_ROUNDS rounds, default 3); medians
 * are compared. The floor (`floor_*`, against the same direct server) is a Node process passing bytes through with no
 * logic: what one more hop through Node costs on this machine, whatever the proxy does.
 */
export async function benchProxy(report: Reporter): Promise<void> {
  const stackDir = synthesizeProduction();
  try {
    for (const [protocol, suffix] of [['Encrypted', ''], ['Plaintext', '_plain']] as const) {
      const stateDir = tempDir('amr-bench-state-');
      await up({ source: productionManifest(stackDir, protocol), stateDir });
      const direct = await directRedisServer(protocol === 'Encrypted');
      let floor: { port: number; stop(): void } | undefined;
      try {
        floor = await passThrough(direct);
        const cache = (await status(stateDir)).caches[0];
        const transport = cache.tls ? 'TLS' : 'plaintext';
        report.line(`proxy: redis-benchmark, 50 clients, through the endpoint of ${cache.name} (${cache.clusteringPolicy}, ${cache.nodes.length} nodes, ${transport}) against a redis-server directly (${transport}, with a replica)`);
        for (const pipeline of [1, 16]) {
          // Alternating rounds, medians compared: a burst of other work on the machine weighs on both sides.
          const viaProxy: Array<Record<string, BenchResult>> = [];
          const viaRedis: Array<Record<string, BenchResult>> = [];
          const viaFloor: Array<Record<string, BenchResult>> = [];
          for (let round = 0; round < PROXY_ROUNDS; round++) {
            viaProxy.push(redisBenchmark(report, endpointPort(cache), pipeline, cache.password, cache.caFile));
            viaRedis.push(redisBenchmark(report, direct.port, pipeline, null, direct.caFile));
            viaFloor.push(redisBenchmark(report, floor.port, pipeline, null, direct.caFile));
          }
          for (const op of ['SET', 'GET']) {
            const p = medianResult(viaProxy, op);
            const d = medianResult(viaRedis, op);
            const f = medianResult(viaFloor, op);
            if (!p || !d) continue;
            report.line(
              `  ${op} -P ${String(pipeline).padEnd(2)}: proxy ${p.rps.toFixed(0)} req/s p50 ${p.p50} ms; direct ${d.rps.toFixed(0)} req/s p50 ${d.p50} ms; throughput ratio x${(p.rps / d.rps).toFixed(2)}, p50 ratio x${(p.p50 / d.p50).toFixed(1)}`,
            );
            if (f) report.line(`         floor, a Node pass-through to the direct server: ${f.rps.toFixed(0)} req/s p50 ${f.p50} ms; throughput ratio x${(f.rps / d.rps).toFixed(2)}, p50 ratio x${(f.p50 / d.p50).toFixed(1)}`);
            report.measure({ bench: 'proxy', measure: `${op.toLowerCase()}_p${pipeline}${suffix}`, value: p.rps, baseline: d.rps, unit: 'req/s' });
            if (pipeline === 1 && op === 'SET') report.measure({ bench: 'proxy', measure: `p50_p1${suffix}`, value: p.p50, baseline: d.p50, unit: 'ms' });
            if (f) report.measure({ bench: 'proxy', measure: `floor_${op.toLowerCase()}_p${pipeline}${suffix}`, value: f.rps, baseline: d.rps, unit: 'req/s' });
            if (f && pipeline === 1 && op === 'SET') report.measure({ bench: 'proxy', measure: `floor_p50_p1${suffix}`, value: f.p50, baseline: d.p50, unit: 'ms' });
          }
        }
      } finally {
        floor?.stop();
        await direct.stop();
        await down({ stateDir, purge: true });
      }
    }
  } finally {
    removeStack(stackDir);
  }
}

/** The longest write gap of a zone drill per failover profile, against the service's documented 10-15 s. */
export async function benchFailover(report: Reporter): Promise<void> {
  const stackDir = synthesizeProduction();
  try {
    report.line(`failover gap under a zone failure (longest stretch of failed writes), against the service's documented 10-15 s`);
    const gaps: string[] = [];
    for (const [profile, writesPerSecond, faultMs] of [['fast', 200, 3000], ['realistic', 100, 17000]] as const) {
      const stateDir = tempDir('amr-bench-state-');
      try {
        await up({ source: stackDir, stateDir, profile });
        const cache = (await status(stateDir)).caches[0].name;
        const result = await drill({ kind: 'zone', cache, zone: '1', writesPerSecond, faultMs, stateDir });
        gaps.push(`${profile} profile: ${(result.longestGapMs / 1000).toFixed(2)} s${profile === 'realistic' ? ` (ratio to 12.5 s: x${(result.longestGapMs / 12500).toFixed(2)})` : ''}`);
      } finally {
        await down({ stateDir, purge: true });
      }
    }
    report.line(`  ${gaps.join('; ')}`);
  } finally {
    removeStack(stackDir);
  }
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** The goal for the geo lag p99 at 5,000 writes/s (the issue's goal): the baseline of `geo.lag_p99_5k`. */
const GEO_LAG_GOAL_MS = 50;

/**
 * Geo lag: the mission-critical example's three regions (one shard each), `--geo-lag-ms 0`; `rate` SETs per second for
 * `seconds` in the first region through its endpoint; a reader in the second region polls (MGET of the oldest unseen
 * keys, every 2 ms) until each write shows up. Lag = time visible in the second region minus time acknowledged in the
 * first. Lost = writes that failed or never showed up within 10 s after the last one. The load generator is checked
 * too: the write rate it achieved, and its own event-loop delay (writer and reader share this process: a late turn
 * delays both the writes and the reads that see them).
 */
export async function benchGeoLag(report: Reporter, rate = Number(process.env.AMR_BENCH_GEO_RATE ?? 5000), seconds = 10): Promise<void> {
  const stackDir = synthesizeMissionCritical();
  const stateDir = tempDir('amr-bench-geo-state-');
  await up({ source: stackDir, stateDir, shards: 1, geoLagMs: 0 });
  try {
    const s = await status(stateDir);
    const members = s.geo[0].members.map((m) => s.caches.find((c) => c.name === m.cache)!);
    const client = (i: number) => new Redis({ port: endpointPort(members[i]), password: members[i].password ?? undefined, tls: members[i].caFile ? { ca: fs.readFileSync(members[i].caFile!) } : undefined });
    const [writer, reader] = [client(0), client(1)];
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    const acked = new Map<string, number>();
    const lags: number[] = [];
    let failed = 0;
    let done = false;
    const poll = (async () => {
      while (!done) {
        const keys: string[] = [];
        for (const key of acked.keys()) if (keys.push(key) >= 500) break;
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
    loopDelay.enable();
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
    const writeSeconds = (performance.now() - started) / 1000;
    loopDelay.disable();
    const deadline = Date.now() + 10000;
    while (acked.size > 0 && Date.now() < deadline) await sleep(10);
    done = true;
    await poll;
    writer.disconnect();
    reader.disconnect();
    const sorted = lags.sort((a, b) => a - b);
    const lost = failed + acked.size;
    const p99 = sorted.length > 0 ? percentile(sorted, 99) : NaN;
    report.line(`geo lag (mission-critical example, 3 regions x 1 shard, --geo-lag-ms 0; ${rate} SET/s for ${seconds} s in the first region, achieved ${((rate * seconds) / writeSeconds).toFixed(0)}/s, read in the second)`);
    report.line(
      `  ${sorted.length} writes seen in the second region (${failed} failed, ${acked.size} never seen); lag p50 ${percentile(sorted, 50)?.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${sorted[sorted.length - 1]?.toFixed(1)} ms (goal: p99 <= ${GEO_LAG_GOAL_MS} ms, none lost)`,
    );
    report.line(`  the load generator's own event-loop delay while writing: p50 ${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms`);
    report.measure({ bench: 'geo', measure: 'lag_p99_5k', value: p99, baseline: GEO_LAG_GOAL_MS, unit: 'ms', extra: { lost, rate } });
  } finally {
    await down({ stateDir, purge: true });
    removeStack(stackDir);
  }
}
