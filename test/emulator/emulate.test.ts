/**
 * The local target end to end, with real redis-server processes: `up` from a synthesized stack, clients through the
 * proxies, zone failures under load, recovery, and `down` leaving nothing behind.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Redis from 'ioredis';
import { ProductionStack } from '../../examples/production/stack';
import { drill } from '../../src/emulator/drill';
import { down, fail, recover, status, up, type CacheStatus } from '../../src/emulator/emulator';
import { isAlive, sleep } from '../../src/emulator/processes';
import { readState, trackedPids } from '../../src/emulator/state';
import { synthesizeStack } from '../support/synth';

jest.setTimeout(120000);

/** An ioredis client configured as an app is: the cache's endpoint, its password (or local token) and CA. */
function endpointClient(cache: CacheStatus): Redis {
  const [host, port] = cache.endpoint!.split(':');
  return new Redis({ host, port: Number(port), password: cache.password ?? undefined, tls: cache.caFile ? { ca: fs.readFileSync(cache.caFile) } : undefined, lazyConnect: true, maxRetriesPerRequest: 1 });
}


describe('amr emulate on the production example', () => {
  const stackDir = synthesizeStack('production', (app, id) => new ProductionStack(app, id));
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-emulate-state-'));
  const progress: string[] = [];
  let pids: number[] = [];

  beforeAll(async () => {
    await up({ source: stackDir, stateDir, onProgress: (m) => progress.push(m) });
    pids = trackedPids(readState(stateDir)!);
  });

  afterAll(async () => {
    await down({ stateDir, purge: true });
  });

  test('up shows progress and status lists endpoints, nodes in three zones, shard roles, health', async () => {
    expect(progress.join('\n')).toMatch(/forming the cluster/);
    expect(progress[progress.length - 1]).toMatch(/^ready in \d+\.\d s$/);
    const s = await status(stateDir);
    expect(s.running).toBe(true);
    expect(s.supervisor.alive).toBe(true);
    const cache = s.caches[0];
    expect(cache).toMatchObject({ name: 'orders-cache-prod', region: 'westeurope', clusteringPolicy: 'EnterpriseCluster', health: 'healthy' });
    // The cache's one endpoint first (TLS: the example's client_protocol is Encrypted), then each node's proxy.
    expect(cache.endpoints).toHaveLength(4);
    expect(cache.endpoints[0]).toBe(cache.endpoint);
    expect(cache).toMatchObject({ tls: true, caFile: path.join(stateDir, 'tls', 'ca.pem') });
    expect(s.services.controlPlane).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.services.blobEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
    expect(cache.nodes.map((n) => n.zone)).toEqual(['1', '2', '3']);
    const roles = cache.nodes.flatMap((n) => n.shards.map((r) => ({ ...r, node: n.id, zone: n.zone })));
    for (const shard of new Set(roles.map((r) => r.shard))) {
      const [primary, replica] = [roles.find((r) => r.shard === shard && r.role === 'primary')!, roles.find((r) => r.shard === shard && r.role === 'replica')!];
      expect(primary.zone).not.toBe(replica.zone);
    }
  });

  test('an ioredis client writes and reads through the endpoint over TLS, across slots', async () => {
    const cache = (await status(stateDir)).caches[0];
    const client = endpointClient(cache);
    await client.connect();
    try {
      await client.set('greeting', 'hello');
      expect(await client.get('greeting')).toBe('hello');
      await client.mset({ a: '1', b: '2', c: '3', d: '4' });
      expect(await client.mget('a', 'b', 'c', 'd')).toEqual(['1', '2', '3', '4']);
    } finally {
      client.disconnect();
    }
  });

  test('zone 1 fails under a write load: writes resume within 2 s in the fast profile, and full redundancy returns', async () => {
    const report = await drill({ kind: 'zone', cache: 'orders-cache-prod', zone: '1', writesPerSecond: 200, faultMs: 3000, stateDir });
    expect(report.writesAcknowledged).toBeGreaterThan(300);
    // The failure was felt (writes failed, or were held through the failover: 200 writes/s are 5 ms apart)...
    expect(report.writesFailed > 0 || report.longestGapMs >= 100).toBe(true);
    expect(report.longestGapMs).toBeLessThan(2000); // ...and writes resumed within 2 s
    const s = await status(stateDir);
    expect(s.caches[0].health).toBe('healthy');
    expect(s.caches[0].nodes.every((n) => n.status === 'up')).toBe(true);
  });

  test('a node is killed under a write load: writes through another node resume within 2 s, and it rejoins', async () => {
    const s = await status(stateDir);
    const cache = s.caches[0];
    const survivor = cache.nodes.find((n) => n.id === 'n3')!;
    const client = new Redis({ port: survivor.proxy.port, password: cache.password ?? undefined, maxRetriesPerRequest: 0, commandTimeout: 1000 });
    client.on('error', () => undefined);
    let writing = true;
    let failed = 0;
    const acknowledged: number[] = [];
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        try {
          await client.set(`node-fault:${i}`, String(i));
          acknowledged.push(Date.now());
        } catch {
          failed++;
        }
        await sleep(5);
      }
    })();
    let killed: string[] = [];
    try {
      await sleep(300);
      killed = await fail({ kind: 'node', target: 'orders-cache-prod/n1' }, stateDir);
      await sleep(3000);
    } finally {
      writing = false;
      await writer;
      client.disconnect();
      await recover({ kind: 'node', target: 'orders-cache-prod/n1' }, stateDir);
    }
    expect(killed).toEqual(['orders-cache-prod/n1 (zone 1)']);
    const longestGap = Math.max(...acknowledged.slice(1).map((t, i) => t - acknowledged[i]));
    expect(acknowledged.length).toBeGreaterThan(200);
    expect(longestGap).toBeLessThan(2000);
    expect(failed + longestGap).toBeGreaterThan(0);
    const after = (await status(stateDir)).caches[0];
    expect(after.health).toBe('healthy');
    expect(after.nodes.every((n) => n.status === 'up')).toBe(true);
  });

  test('a zone failure loses no write acknowledged with WAIT 1 0', async () => {
    const report = await drill({ kind: 'zone', cache: 'orders-cache-prod', zone: '2', writesPerSecond: 100, waitForReplica: true, faultMs: 2000, stateDir });
    expect(report.writesAcknowledged).toBeGreaterThan(50);
    expect(report.acknowledgedWritesLost).toBe(0);
  });

  test('export and import round trip through the control plane into Azurite', async () => {
    const s = await status(stateDir);
    const cache = s.caches[0];
    const client = endpointClient(cache);
    await client.connect();
    const { accountName, accountKey } = readState(stateDir)!.services!.azurite!;
    const blobEndpoint = s.services.blobEndpoint!;
    const azurite = { blobEndpoint, accountName, accountKey, connectionString: `DefaultEndpointsProtocol=http;AccountName=${accountName};AccountKey=${accountKey};BlobEndpoint=${blobEndpoint};` } as any;
    const { containerSasUrl, blobSasUrl, blobService, arm, waitForOperation, databasePath } = await import('./support-cp-storage');
    try {
      await client.flushall();
      const pipeline = client.pipeline();
      for (let i = 0; i < 200; i++) pipeline.set(`str:${i}`, `v${i}`);
      pipeline.hset('hash:1', { a: '1', b: '2' }).rpush('list:1', 'x', 'y', 'z').sadd('set:1', 'p', 'q').zadd('zset:1', 1, 'one', 2, 'two');
      pipeline.xadd('stream:1', '1-1', 'field', 'value').set('ttl:1', 'soon', 'EX', 3600);
      await pipeline.exec();
      await blobService(azurite).getContainerClient('exports').createIfNotExists();
      const exported = await waitForOperation(
        await arm(s.services.controlPlane!, 'POST', databasePath(cache.name, 'export'), { token: s.services.controlPlaneToken, body: { sasUri: containerSasUrl(azurite, 'exports', 'round-trip') } }),
        s.services.controlPlaneToken ?? undefined,
      );
      expect(exported.status).toBe('Succeeded');
      const blobs: Array<{ name: string }> = [];
      for await (const b of blobService(azurite).getContainerClient('exports').listBlobsFlat({ prefix: 'round-trip/' })) blobs.push(b);
      expect(blobs.length).toBe(3); // one gzipped RDB per shard
      expect(blobs.every((b) => b.name.endsWith('.rdb.gz'))).toBe(true);
      await client.flushall();
      expect(await client.dbsize()).toBe(0);
      const imported = await waitForOperation(
        await arm(s.services.controlPlane!, 'POST', databasePath(cache.name, 'import'), { token: s.services.controlPlaneToken, body: { sasUris: blobs.map((b) => blobSasUrl(azurite, 'exports', b.name)) } }),
        s.services.controlPlaneToken ?? undefined,
      );
      expect(imported.status).toBe('Succeeded');
      expect(await client.dbsize()).toBe(206);
      expect(await client.get('str:199')).toBe('v199');
      expect(await client.hgetall('hash:1')).toEqual({ a: '1', b: '2' });
      expect(await client.lrange('list:1', 0, -1)).toEqual(['x', 'y', 'z']);
      expect((await client.smembers('set:1')).sort()).toEqual(['p', 'q']);
      expect(await client.zrange('zset:1', 0, -1, 'WITHSCORES')).toEqual(['one', '1', 'two', '2']);
      expect(await client.xlen('stream:1')).toBe(1);
      expect(await client.ttl('ttl:1')).toBeGreaterThan(3590);
    } finally {
      client.disconnect();
    }
  });

  test('a frozen node is failed over like a dead one, and rejoins as a replica when it thaws', async () => {
    await fail({ kind: 'node', target: 'orders-cache-prod/n2', freeze: true }, stateDir);
    await sleep(2500);
    const during = (await status(stateDir)).caches[0];
    expect(during.health).toBe('degraded');
    expect(during.nodes.find((n) => n.id === 'n2')!.status).toBe('frozen');
    await recover({ kind: 'node', target: 'orders-cache-prod/n2' }, stateDir);
    const after = (await status(stateDir)).caches[0];
    expect(after.health).toBe('healthy');
    expect(after.nodes.find((n) => n.id === 'n2')!.shards.every((r) => r.role === 'replica' || r.role === 'primary')).toBe(true);
  });

  test('down stops every process it started, by PID', async () => {
    expect(pids.length).toBeGreaterThan(6);
    const stopped = await down({ stateDir });
    expect(stopped).toBeGreaterThan(0);
    const now = trackedPids(readState(stateDir)!);
    expect([...pids, ...now].filter(isAlive)).toEqual([]);
  });
});
