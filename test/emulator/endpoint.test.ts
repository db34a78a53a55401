/**
 * One endpoint per cache (issue 10): stock clients configured the way an app is — the endpoint's host and port, the
 * password, and the CA for TLS — write continuously through `amr emulate fail zone 1` and recover without any change
 * of settings; the longest write gap stays within 2 s in the fast profile. Three caches of the production example run
 * side by side: TLS (Encrypted, EnterpriseCluster), plaintext, and OSSCluster over TLS (where ioredis' Cluster client
 * gets only the endpoint and follows the per-node TLS ports the proxies announce). AMR_PRINT_GAPS=1 prints the measured
 * longest write gap of each client.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Redis, { Cluster } from 'ioredis';
import { createClient } from 'redis';
import { ProductionStack } from '../../examples/production/stack';
import { down, endpointBasePort, fail, recover, status, up, type CacheStatus } from '../../src/emulator/emulator';
import { sleep } from '../../src/emulator/processes';
import type { TopologyManifest } from '../../src/topology/manifest';
import { synthesizeStack } from '../support/synth';

jest.setTimeout(180000);

/**
 * A writer as an app with retries: SET in a loop (one in flight), retrying a failed write (same key and value) until it
 * is acknowledged, recording when each acknowledged write completed; so a gap between two acknowledgements is how long
 * the app could not write.
 */
interface Writer {
  readonly name: string;
  readonly acked: number[];
  failures: number;
  stop(): Promise<void>;
}

function startWriter(name: string, set: (key: string, value: string) => Promise<unknown>, close: () => Promise<void> | void): Writer {
  const writer = { name, acked: [] as number[], failures: 0, stop: async () => undefined };
  let running = true;
  const loop = (async () => {
    for (let i = 0; running; ) {
      try {
        await set(`${name}:${i % 500}`, String(i));
        writer.acked.push(Date.now());
        i++;
      } catch {
        writer.failures++;
        await sleep(10);
      }
      await sleep(5);
    }
  })();
  writer.stop = async () => {
    running = false;
    await loop;
    await close();
  };
  return writer;
}

/** The longest time without an acknowledged write between `from` and `to`. */
function longestGap(acked: readonly number[], from: number, to: number): number {
  const times = [from, ...acked.filter((t) => t > from && t < to), to];
  return Math.max(...times.slice(1).map((t, i) => t - times[i]));
}

function hostPort(endpoint: string | null): { host: string; port: number } {
  const [host, port] = endpoint!.split(':');
  return { host, port: Number(port) };
}

describe('the cache endpoint survives a zone failure (stock clients, plain and TLS)', () => {
  const stackDir = synthesizeStack('production', (app, id) => new ProductionStack(app, id));
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-endpoint-state-'));
  const manifestFile = path.join(stateDir, '..', `${path.basename(stateDir)}-manifest.json`);
  let caches: Record<string, CacheStatus> = {};

  beforeAll(async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(stackDir, 'amr.topology.json'), 'utf8')) as TopologyManifest;
    const prod = manifest.caches[0];
    const variants = [
      { ...prod, name: 'orders-tls' },
      { ...prod, address: `${prod.address}_plain`, name: 'orders-plain', clientProtocol: 'Plaintext' },
      { ...prod, address: `${prod.address}_oss`, name: 'orders-oss', clusteringPolicy: 'OSSCluster' },
    ];
    fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, caches: variants, geoGroups: [] }));
    await up({ source: manifestFile, stateDir, shards: 2 });
    caches = Object.fromEntries((await status(stateDir)).caches.map((c) => [c.name, c]));
  });

  afterAll(async () => {
    await down({ stateDir, purge: true });
    fs.rmSync(manifestFile, { force: true });
  });

  test('status gives each cache one endpoint first, at ports derived from the state directory', () => {
    const base = endpointBasePort(stateDir);
    expect(['orders-tls', 'orders-plain', 'orders-oss'].map((n) => caches[n].endpoint)).toEqual([`127.0.0.1:${base}`, `127.0.0.1:${base + 1}`, `127.0.0.1:${base + 2}`]);
    for (const cache of Object.values(caches)) {
      expect(cache.endpoints[0]).toBe(cache.endpoint);
      expect(cache.endpointAlive).toBe(true);
      // The production example disables access keys: a local token stands in for Entra ID.
      expect(cache.tokenFile).toBe(path.join(stateDir, 'secrets', `${cache.name}.token`));
      expect(fs.readFileSync(cache.tokenFile!, 'utf8').trim()).toBe(cache.password);
      expect(cache.passwordFile).toBeNull();
    }
    expect(caches['orders-tls']).toMatchObject({ tls: true, caFile: path.join(stateDir, 'tls', 'ca.pem') });
    expect(caches['orders-plain']).toMatchObject({ tls: false, caFile: null });
  });

  test('ioredis and node-redis given only the endpoint write through zone 1 failing (gap <= 2 s) and recover unchanged', async () => {
    const ca = fs.readFileSync(caches['orders-tls'].caFile!);
    const tls = caches['orders-tls'];
    const plain = caches['orders-plain'];
    const oss = caches['orders-oss'];
    const io = (c: CacheStatus, withTls: boolean) => new Redis({ ...hostPort(c.endpoint), password: c.password!, ...(withTls ? { tls: { ca } } : {}) });
    const nodeRedis = async (c: CacheStatus, withTls: boolean) => {
      const { host, port } = hostPort(c.endpoint);
      const client = createClient({ url: `${withTls ? 'rediss' : 'redis'}://${host}:${port}`, password: c.password!, socket: withTls ? { tls: true, ca } : {} });
      client.on('error', () => undefined);
      await client.connect();
      return client;
    };
    const ioTls = io(tls, true);
    const ioPlain = io(plain, false);
    const nrTls = await nodeRedis(tls, true);
    const nrPlain = await nodeRedis(plain, false);
    const cluster = new Cluster([hostPort(oss.endpoint)], { redisOptions: { password: oss.password!, tls: { ca } } });
    for (const c of [ioTls, ioPlain, cluster]) c.on('error', () => undefined);
    const writers = [
      startWriter('ioredis-tls', (k, v) => ioTls.set(k, v), () => ioTls.disconnect()),
      startWriter('ioredis-plain', (k, v) => ioPlain.set(k, v), () => ioPlain.disconnect()),
      startWriter('node-redis-tls', (k, v) => nrTls.set(k, v), () => nrTls.disconnect()),
      startWriter('node-redis-plain', (k, v) => nrPlain.set(k, v), () => nrPlain.disconnect()),
      startWriter('ioredis-cluster-tls', (k, v) => cluster.set(k, v), () => cluster.disconnect()),
    ];
    try {
      await sleep(1500);
      const failedAt = Date.now();
      await fail({ kind: 'zone', target: '1' }, stateDir);
      await sleep(4000);
      const recoveredAt = Date.now();
      await recover({ kind: 'zone', target: '1' }, stateDir);
      await sleep(1500);
      const end = Date.now();
      const gaps = Object.fromEntries(writers.map((w) => [w.name, longestGap(w.acked, failedAt, recoveredAt)]));
      if (process.env.AMR_PRINT_GAPS === '1') process.stdout.write(`endpoint write gaps through zone 1 failing (ms): ${JSON.stringify(gaps)}\n`);
      for (const w of writers) {
        expect({ writer: w.name, gap: gaps[w.name] <= 2000 }).toEqual({ writer: w.name, gap: true });
        // Writes kept being acknowledged after recovery, with the same client and settings.
        expect({ writer: w.name, afterRecovery: w.acked.filter((t) => t > recoveredAt + 500 && t < end).length > 10 }).toEqual({ writer: w.name, afterRecovery: true });
      }
    } finally {
      for (const w of writers) await w.stop();
    }
  });
  test('redis-benchmark (its default tests) and redis-cli run through the TLS endpoint with --tls --cacert', () => {
    const cache = caches['orders-tls'];
    const { port } = hostPort(cache.endpoint);
    const tls = ['--tls', '--cacert', cache.caFile!, '-p', String(port), '-a', cache.password!, '--no-auth-warning'];
    const cli = spawnSync('redis-cli', [...tls, 'SET', 'cli:key', 'through-tls'], { encoding: 'utf8', timeout: 30000 });
    expect(cli.stdout.trim()).toBe('OK');
    const bench = spawnSync('redis-benchmark', ['--tls', '--cacert', cache.caFile!, '-p', String(port), '-a', cache.password!, '-n', '2000', '-q'], { encoding: 'utf8', timeout: 240000 });
    expect(bench.status).toBe(0);
    const results = bench.stdout.split(/[\r\n]+/).filter((l) => / requests per second/.test(l)).map((l) => l.trim().split(':')[0]);
    for (const name of ['PING_INLINE', 'PING_MBULK', 'SET', 'GET', 'INCR', 'LPUSH', 'RPUSH', 'LPOP', 'RPOP', 'SADD', 'HSET', 'SPOP', 'ZADD', 'ZPOPMIN', 'LRANGE_100 (first 100 elements)', 'LRANGE_600 (first 600 elements)', 'MSET (10 keys)']) {
      expect(results).toContain(name);
    }
    expect(`${bench.stdout}${bench.stderr}`).not.toMatch(/error/i);
  });
});
