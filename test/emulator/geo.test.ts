/**
 * Active geo-replication end to end, with real redis-server processes: the mission-critical example's group of three
 * regions (one shard each), randomized concurrent writes in every region through ioredis, quiescence, identical
 * digests read back from every region; a region failure under writes and its catch-up; force-unlink through the
 * control plane; FLUSHALL and list commands refused (transactions: geo-transaction.test.ts).
 */
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import Redis from 'ioredis';
import { MissionCriticalStack } from '../../examples/mission-critical/stack';
import { geoDigest, quiesceGeo } from './support-geo';
import { prng } from '../support/prng';
import { synthesizeStack } from '../support/synth';
import { down, fail, recover, status, up } from '../../src/emulator/emulator';
import { isAlive, sleep } from '../../src/emulator/processes';
import { readState, trackedPids } from '../../src/emulator/state';
import { arm, databasePath, waitForOperation } from './support-cp-storage';
import { command, RespClient, RespError, text } from '../../src/emulator/resp';

/** The TLS options of an app connecting to the cache's endpoint (the example's caches are Encrypted). */
const tlsOf = (cache: { caFile: string | null }) => (cache.caFile ? { ca: fs.readFileSync(cache.caFile) } : undefined);

jest.setTimeout(180000);

const synthesizeMissionCritical = () => synthesizeStack('mission-critical', (app, id) => new MissionCriticalStack(app, id));

/** Random geo writes from each client (5 ms apart) until `stop()`, which reports acknowledged writes and unexpected errors. */
function writeLoad(clients: readonly Redis[], rng: () => number, prefix: string): { stop(): Promise<{ acknowledged: number; errors: string[] }> } {
  const errors: string[] = [];
  let acknowledged = 0;
  let writing = true;
  const writer = async (client: Redis) => {
    while (writing) {
      const [cmd, ...args] = randomWrite(rng, prefix);
      try {
        await client.call(cmd, ...args);
        acknowledged++;
      } catch (error) {
        // Type clashes of the random workload are the application's errors, not the emulator's.
        if (!/WRONGTYPE|not an integer|not a valid float/.test((error as Error).message)) errors.push((error as Error).message);
      }
      await sleep(5);
    }
  };
  const writers = clients.map(writer);
  return {
    async stop() {
      writing = false;
      await Promise.all(writers);
      return { acknowledged, errors };
    },
  };
}

/** A random write of any geo-merged type on a few keys (hash-tagged: multi-key commands stay in one slot). */
function randomWrite(rng: () => number, prefix: string): string[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
  const k = `{${prefix}}:${pick(['a', 'b', 'c', 'd', 'e'])}`;
  const k2 = `{${prefix}}:${pick(['a', 'b', 'c', 'd', 'e'])}`;
  const f = pick(['f', 'g', 'h']);
  const v = pick(['x', 'y', '1', '2', '-3']);
  const n = pick(['1', '2', '-1', '5']);
  return pick<() => string[]>([
    () => ['SET', k, v],
    () => ['SET', k, v, 'EX', '3600'],
    () => ['MSET', k, v, k2, v],
    () => ['INCRBY', k, n],
    () => ['INCRBYFLOAT', k, '0.5'],
    () => ['APPEND', k, v],
    () => ['HSET', k, f, v],
    () => ['HDEL', k, f],
    () => ['HINCRBY', k, f, n],
    () => ['SADD', k, f, v],
    () => ['SREM', k, f],
    () => ['SMOVE', k, k2, f],
    () => ['ZADD', k, n, f],
    () => ['ZINCRBY', k, n, f],
    () => ['ZREM', k, f],
    () => ['DEL', k],
    () => ['EXPIRE', k, '7200'],
    () => ['PERSIST', k],
  ])();
}

describe('active geo-replication on the mission-critical example', () => {
  const stackDir = synthesizeMissionCritical();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-geo-state-'));
  /** One client per region, in the group's member order. */
  let clients: Redis[] = [];
  let names: string[] = [];

  const connect = async () => {
    clients.forEach((c) => c.disconnect());
    const s = await status(stateDir);
    const byName = new Map(s.caches.map((c) => [c.name, c]));
    clients = names.map((name) => {
      const cache = byName.get(name)!;
      return new Redis({ port: Number(cache.endpoint!.split(':')[1]), password: cache.password ?? undefined, tls: tlsOf(cache), maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
    });
    // A region failure drops these connections: the tests look at each command's outcome, not at error events.
    for (const c of clients) c.on('error', () => undefined);
    await Promise.all(clients.map((c) => c.connect()));
  };

  const quiesce = (timeoutMs?: number) => quiesceGeo(stateDir, timeoutMs);
  const digest = geoDigest;

  beforeAll(async () => {
    await up({ source: stackDir, stateDir, shards: 1 });
    names = readState(stateDir)!.geoGroups![0].members.slice();
    await connect();
  });

  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    const pids = trackedPids(readState(stateDir)!);
    await down({ stateDir, purge: true });
    expect(pids.filter(isAlive)).toEqual([]);
  });

  test('up starts a replicator per region; status shows the group, its members and lag; the fidelity report covers geo', async () => {
    const s = await status(stateDir);
    expect(s.geo).toHaveLength(1);
    const [group] = s.geo;
    expect(group.name).toBe('sessions-geo');
    expect(group.members.map((m) => m.region)).toEqual(['westeurope', 'northeurope', 'swedencentral']);
    for (const m of group.members) {
      expect(m).toMatchObject({ linked: true, replicator: { alive: true } });
      expect(m.report!.peers.map((p) => p.cache).sort()).toEqual(group.members.filter((o) => o.cache !== m.cache).map((o) => o.cache).sort());
    }
    const fidelity = JSON.parse(fs.readFileSync(path.join(stateDir, 'fidelity.json'), 'utf8'));
    expect(fidelity.emulated.join('\n')).toMatch(/add-wins/);
    expect(fidelity.notEmulated.join('\n')).toMatch(/lists, streams/);
  });

  test('a replicator answers nothing but AUTH without the internal password, and cuts an oversized request before AUTH', async () => {
    const port = readState(stateDir)!.caches.find((c) => c.geo)!.geo!.replicatorPort;
    const stranger = await RespClient.connect(port, '127.0.0.1', 2000, null);
    try {
      for (const probe of [['GEO.PULL'], ['GEO.FLUSH'], ['GEO.MERGE', 'x', '{}'], ['AUTH', 'guess']]) {
        const reply = await stranger.call(probe, 2000);
        expect(reply instanceof RespError && reply.message).toMatch(/^NOAUTH/);
      }
    } finally {
      stranger.close();
    }
    // A 100 MB bulk announced before AUTH: the connection is closed, nothing is buffered.
    const closed = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' }, () => socket.write('*3\r\n$9\r\nGEO.MERGE\r\n$1\r\nx\r\n$100000000\r\n' + 'x'.repeat(8192)));
      const timer = setTimeout(() => resolve(false), 5000);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    expect(closed).toBe(true);
    // With the internal password (the emulator's own processes), the same connection serves.
    const internal = await RespClient.connect(port, '127.0.0.1', 2000, readState(stateDir)!.internalPassword);
    try {
      expect(text(await internal.call(['PING'], 2000))).toBe('PONG');
    } finally {
      internal.close();
    }
  });

  test('FLUSHALL, list and stream commands (also inside MULTI: EXECABORT) are refused with clear errors', async () => {
    const [a] = clients;
    await expect(a.flushall()).rejects.toThrow('ERR FLUSHALL is not allowed on a geo-replicated cache (AMR-RUN-009)');
    await expect(a.lpush('{refused}:list', 'x')).rejects.toThrow('ERR LPUSH is not supported on a geo-replicated cache by the emulator (cannot be merged conflict-free); see the fidelity report');
    await expect(a.xadd('{refused}:stream', '*', 'f', 'v')).rejects.toThrow(/XADD is not supported on a geo-replicated cache/);
    await expect(a.multi().set('{refused}:k', 'v').lpush('{refused}:list', 'x').exec()).rejects.toThrow(/EXECABORT/);
    expect(await a.exists('{refused}:list', '{refused}:stream', '{refused}:k')).toBe(0);
  });

  test('a write in one region is visible in the others (binary-safe), a counter adds up concurrent increments', async () => {
    await Promise.all(clients.map((c, i) => c.incrby('{basic}:counter', i + 1)));
    await clients[0].set('{basic}:greeting', 'héllo ✓');
    await clients[1].hset('{basic}:bytes', Buffer.from([0, 255, 10]), Buffer.from([13, 10, 200]));
    await quiesce();
    for (const c of clients) {
      expect(await c.get('{basic}:counter')).toBe('6');
      expect(await c.get('{basic}:greeting')).toBe('héllo ✓');
      expect(await c.hgetBuffer('{basic}:bytes', Buffer.from([0, 255, 10]))).toEqual(Buffer.from([13, 10, 200]));
    }
  });

  test.each([1, 2, 3, 4, 5])('seed %i: randomized concurrent writes in all regions converge to one digest', async (seed) => {
    const prefix = `seed${seed}`;
    const rng = prng(seed);
    // 300 writes, in bursts sent concurrently to the three regions.
    for (let burst = 0; burst < 30; burst++) {
      await Promise.all(
        clients.map((c) => {
          const ops = Array.from({ length: 3 + (rng() < 0.5 ? 1 : 0) }, () => randomWrite(rng, prefix));
          return Promise.all(ops.map(([cmd, ...args]) => c.call(cmd, ...args).catch((e: Error) => e)));
        }),
      );
      if (rng() < 0.3) await sleep(Math.floor(rng() * 30));
    }
    await quiesce();
    const digests = await Promise.all(clients.map((c) => digest(c, prefix)));
    expect(digests[0].keys).toBeGreaterThan(0);
    expect(digests[1].text).toBe(digests[0].text);
    expect(digests[2].text).toBe(digests[0].text);
  });

  test('zone 1 fails in every region under writes: the replicators write through the failover, no write fails, the regions converge', async () => {
    const s = await status(stateDir);
    // Clients on the zone-2 proxies (the zone-1 proxies die with the zone).
    const zone2 = names.map((name) => {
      const cache = s.caches.find((c) => c.name === name)!;
      return new Redis({ port: cache.nodes.find((n) => n.zone === '2')!.proxy.port, password: cache.password ?? undefined, maxRetriesPerRequest: 1 });
    });
    const load = writeLoad(zone2, prng(7), 'zone');
    await sleep(300);
    await fail({ kind: 'zone', target: '1' }, stateDir);
    await sleep(2500);
    const { acknowledged, errors } = await load.stop();
    try {
      expect(errors).toEqual([]);
      expect(acknowledged).toBeGreaterThan(100);
      await recover({ kind: 'zone', target: '1' }, stateDir);
      await quiesce();
      const digests = await Promise.all(zone2.map((c) => digest(c, 'zone')));
      expect(digests[0].keys).toBeGreaterThan(0);
      expect(digests[1].text).toBe(digests[0].text);
      expect(digests[2].text).toBe(digests[0].text);
      // Every region saw its primary change and rewrote itself from the CRDT state.
      expect((await status(stateDir)).geo[0].members.every((m) => m.report!.resyncs > 0)).toBe(true);
    } finally {
      zone2.forEach((c) => c.disconnect());
    }
    await connect();
  });

  test('a region fails under writes: the other regions keep accepting writes; after recovery it catches up', async () => {
    const load = writeLoad([clients[0], clients[2]], prng(42), 'outage');
    await sleep(300);
    const killed = await fail({ kind: 'region', target: names[1] }, stateDir);
    expect(killed).toContain(`${names[1]}/geo-replicator`);
    await sleep(1500);
    const during = (await status(stateDir)).geo[0].members;
    expect(during[1].replicator.alive).toBe(false);
    expect(during[0].report!.peers.find((p) => p.cache === names[1])!.reachable).toBe(false);
    const { acknowledged, errors } = await load.stop();
    expect(errors).toEqual([]);
    expect(acknowledged).toBeGreaterThan(100);
    const recovered = await recover({ kind: 'region', target: names[1] }, stateDir);
    expect(recovered).toContain(`${names[1]}/geo-replicator`);
    await connect();
    await quiesce();
    const digests = await Promise.all(clients.map((c) => digest(c, 'outage')));
    expect(digests[0].keys).toBeGreaterThan(0);
    expect(digests[1].text).toBe(digests[0].text);
    expect(digests[2].text).toBe(digests[0].text);
    // The earlier data came back too.
    expect(await clients[1].get('{basic}:counter')).toBe('6');
  });

  test('export from one region, import into another: the import reaches every region; a flush empties the whole group', async () => {
    const s = await status(stateDir);
    const token = s.services.controlPlaneToken ?? undefined;
    const { accountName, accountKey } = readState(stateDir)!.services!.azurite!;
    const blobEndpoint = s.services.blobEndpoint!;
    const azurite = { blobEndpoint, accountName, accountKey, connectionString: `DefaultEndpointsProtocol=http;AccountName=${accountName};AccountKey=${accountKey};BlobEndpoint=${blobEndpoint};` } as any;
    const { containerSasUrl, blobSasUrl, blobService } = await import('./support-cp-storage');
    await clients[0].set('{imp}:s', 'v', 'EX', 7200);
    await clients[0].hset('{imp}:h', 'f', '1', 'g', '2');
    await clients[1].sadd('{imp}:set', 'a', 'b');
    await clients[2].zadd('{imp}:z', 1.5, 'm', 2, 'n');
    await quiesce();
    const before = await digest(clients[0], 'imp');
    await blobService(azurite).getContainerClient('geo-exports').createIfNotExists();
    const exported = await waitForOperation(await arm(s.services.controlPlane!, 'POST', databasePath(names[0], 'export'), { token, body: { sasUri: containerSasUrl(azurite, 'geo-exports', 'geo') } }), token);
    expect(exported.status).toBe('Succeeded');
    const blobs: string[] = [];
    for await (const b of blobService(azurite).getContainerClient('geo-exports').listBlobsFlat({ prefix: 'geo/' })) blobs.push(b.name);
    await clients[2].set('{imp}:extra', 'deleted by the import');
    await quiesce();
    const imported = await waitForOperation(await arm(s.services.controlPlane!, 'POST', databasePath(names[1], 'import'), { token, body: { sasUris: blobs.map((b) => blobSasUrl(azurite, 'geo-exports', b)) } }), token);
    expect(imported.status).toBe('Succeeded');
    await quiesce();
    for (const c of clients) expect((await digest(c, 'imp')).text).toBe(before.text);
    expect(before.keys).toBe(4);
    // A list an RDB brought into a region cannot be merged: adoption deletes it and names it.
    const primary = (await status(stateDir)).caches.find((c) => c.name === names[1])!.nodes.flatMap((n) => n.shards).find((r) => r.role === 'primary')!;
    await command(primary.port, ['RPUSH', '{imp}:list', 'x']);
    const adopted = JSON.parse(text(await command(readState(stateDir)!.caches.find((c) => c.name === names[1])!.geo!.replicatorPort, ['GEO.ADOPT'], 2000)));
    expect(adopted.refused).toEqual(['{imp}:list (list)']);
    expect(adopted.keys).toBeGreaterThanOrEqual(4); // everything the export held (earlier tests' keys too)
    expect(await command(primary.port, ['EXISTS', '{imp}:list'])).toBe(0);
    await quiesce(); // the flush removes what its region has seen (a concurrent write would survive it)
    const flushed = await waitForOperation(await arm(s.services.controlPlane!, 'POST', databasePath(names[2], 'flush'), { token, body: {} }), token);
    expect(flushed.status).toBe('Succeeded');
    await quiesce();
    expect(await Promise.all(clients.map((c) => c.dbsize()))).toEqual([0, 0, 0]);
  });

  test('force-unlink through the control plane: the unlinked member stops exchanging, the others go on', async () => {
    const s = await status(stateDir);
    const id = `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-local/providers/Microsoft.Cache/redisEnterprise/${names[2]}/databases/default`;
    const operation = await waitForOperation(await arm(s.services.controlPlane!, 'POST', databasePath(names[0], 'forceUnlink'), { token: s.services.controlPlaneToken, body: { ids: [id] } }), s.services.controlPlaneToken ?? undefined);
    expect(operation.status).toBe('Succeeded');
    const members = (await status(stateDir)).geo[0].members;
    expect(members.map((m) => m.linked)).toEqual([true, true, false]);
    expect(members[0].report!.peers.map((p) => p.cache)).toEqual([names[1]]);
    expect(members[2].report!.unlinked).toBe(true);
    await clients[0].set('{unlink}:from-first', '1');
    await clients[2].set('{unlink}:from-unlinked', '1');
    await sleep(300);
    await quiesce();
    expect(await clients[1].get('{unlink}:from-first')).toBe('1');
    expect(await clients[2].get('{unlink}:from-first')).toBeNull();
    expect(await clients[0].get('{unlink}:from-unlinked')).toBeNull();
    expect(await clients[1].get('{unlink}:from-unlinked')).toBeNull();
    expect(await clients[2].get('{unlink}:from-unlinked')).toBe('1');
  });
});

describe('active geo-replication with OSSCluster (cluster-aware clients, two shards per region)', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-geo-oss-state-'));
  let clusters: Array<InstanceType<typeof Redis.Cluster>> = [];

  beforeAll(async () => {
    // The same group, with the OSS clustering policy: each proxy serves its own primaries and redirects with MOVED.
    const manifest = JSON.parse(fs.readFileSync(path.join(synthesizeMissionCritical(), 'amr.topology.json'), 'utf8'));
    for (const cache of manifest.caches) cache.clusteringPolicy = 'OSSCluster';
    const file = path.join(stateDir, 'oss.topology.json');
    fs.writeFileSync(file, JSON.stringify(manifest));
    await up({ source: file, stateDir, shards: 2, geoLagMs: 5 });
    const s = await status(stateDir);
    clusters = s.geo[0].members.map((m) => {
      const cache = s.caches.find((c) => c.name === m.cache)!;
      return new Redis.Cluster([{ host: '127.0.0.1', port: Number(cache.endpoint!.split(':')[1]) }], { redisOptions: { password: cache.password ?? undefined, tls: tlsOf(cache) } });
    });
  });

  afterAll(async () => {
    clusters.forEach((c) => c.disconnect());
    await down({ stateDir, purge: true });
  });

  test('concurrent writes over both shards of every region converge; each region reads them from its own shards', async () => {
    const rng = prng(99);
    for (let burst = 0; burst < 20; burst++) {
      await Promise.all(clusters.map((c) => Promise.all(Array.from({ length: 4 }, (_, i) => randomWrite(rng, `oss${(burst + i) % 8}`)).map(([cmd, ...args]) => c.call(cmd, ...args).catch((e: Error) => e)))));
    }
    await clusters[0].set('oss:last', 'written-in-the-first-region');
    const deadline = Date.now() + 20000;
    const snapshot = async (c: InstanceType<typeof Redis.Cluster>) => {
      const out: string[] = [];
      for (let p = 0; p < 8; p++) {
        for (const k of ['a', 'b', 'c', 'd', 'e']) {
          const key = `{oss${p}}:${k}`;
          const type = await c.type(key);
          const value = type === 'string' ? await c.get(key) : type === 'hash' ? Object.entries(await c.hgetall(key)).sort() : type === 'set' ? (await c.smembers(key)).sort() : type === 'zset' ? await c.zrange(key, 0, -1, 'WITHSCORES') : null;
          out.push(JSON.stringify([key, type, value]));
        }
      }
      return out.join('\n');
    };
    let views: string[] = [];
    while (Date.now() < deadline) {
      await sleep(200);
      if ((await Promise.all(clusters.map((c) => c.get('oss:last')))).some((v) => v === null)) continue;
      views = await Promise.all(clusters.map(snapshot));
      if (views.every((v) => v === views[0])) break;
    }
    expect(views[0]).toMatch(/"(string|hash|set|zset)"/);
    expect(views[1]).toBe(views[0]);
    expect(views[2]).toBe(views[0]);
    const nodes = await Promise.all(clusters.map((c) => c.nodes('master').length));
    expect(nodes).toEqual([2, 2, 2]);
  });

  test('MULTI/EXEC through cluster clients on both shards of every region: EXEC replies, the effects reach every region', async () => {
    const tags = Array.from({ length: 8 }, (_, i) => `osstx${i}`);
    const replies = await Promise.all(
      clusters.flatMap((c, region) =>
        tags.map((tag) => c.multi().incrby(`{${tag}}:n`, region + 1).hset(`{${tag}}:h`, `r${region}`, 'v').sadd(`{${tag}}:s`, `m${region}`).hget(`{${tag}}:h`, `r${region}`).exec()),
      ),
    );
    for (const r of replies) {
      expect(r!.map(([e]) => e)).toEqual([null, null, null, null]);
      expect(r!.slice(1).map(([, v]) => v)).toEqual([1, 1, 'v']);
    }
    const expected = JSON.stringify(tags.map(() => ['6', { r0: 'v', r1: 'v', r2: 'v' }, ['m0', 'm1', 'm2']]));
    const view = async (c: InstanceType<typeof Redis.Cluster>) =>
      JSON.stringify(await Promise.all(tags.map(async (tag) => [await c.get(`{${tag}}:n`), await c.hgetall(`{${tag}}:h`), (await c.smembers(`{${tag}}:s`)).sort()])));
    const deadline = Date.now() + 20000;
    let views: string[] = [];
    while (Date.now() < deadline) {
      views = await Promise.all(clusters.map(view));
      if (views.every((v) => v === expected)) break;
      await sleep(100);
    }
    expect(views).toEqual([expected, expected, expected]);
  });
});
