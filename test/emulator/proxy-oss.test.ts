/**
 * The proxy on the OSSCluster policy: three proxies (one fronting two primaries) in front of a real 4-shard Redis
 * Cluster look like a Redis Cluster of their own to unmodified ioredis Cluster and node-redis createCluster clients.
 */
import Redis from 'ioredis';
import { createCluster } from 'redis';
import { freePorts } from '../../src/emulator/ports';
import { fakeNodeId, startProxy, type ProxyHandle } from '../../src/emulator/proxy';
import { command, text } from '../../src/emulator/resp';
import { keySlot } from '../../src/emulator/slots';
import { startTestCluster, type TestCluster } from '../support/cluster';
import { fields, keyInRange, manyKeys, plain, RawClients } from './support-proxy';

jest.setTimeout(60000);

let cluster: TestCluster;
const proxies: ProxyHandle[] = [];
/** Proxy port per shard index: shards 0 and 2 on the first proxy, 1 on the second, 3 on the third. */
let proxyOfShard: number[] = [];
const raw = new RawClients();

beforeAll(async () => {
  cluster = await startTestCluster(4, 0);
  const ports = await freePorts(3);
  proxyOfShard = [ports[0], ports[1], ports[0], ports[2]];
  const proxyForRedis = Object.fromEntries(cluster.shards.map((s, i) => [s.primaryPort, proxyOfShard[i]]));
  for (const port of ports) proxies.push(await startProxy({ listenPort: port, clusteringPolicy: 'OSSCluster', seeds: cluster.ports, proxyForRedis }));
});

afterAll(async () => {
  raw.closeAll();
  for (const p of proxies) await p.close();
  await cluster?.stop();
});

function shardOfSlot(slot: number): number {
  return cluster.shards.findIndex((s) => slot >= s.slots[0] && slot <= s.slots[1]);
}

describe('OSSCluster: the proxies look like a Redis Cluster', () => {
  test('CLUSTER SLOTS names the proxy fronting each range, with stable node ids', async () => {
    const client = await raw.connect(proxies[1].port);
    const slots = plain(await client.call(['CLUSTER', 'SLOTS'])) as Array<[number, number, [string, number, string, unknown[]]]>;
    expect(slots).toEqual(
      cluster.shards.map((s, i) => [s.slots[0], s.slots[1], ['127.0.0.1', proxyOfShard[i], fakeNodeId(proxyOfShard[i]), []]]),
    );
    expect(new Set(slots.map((s) => s[2][2])).size).toBe(3);
  });

  test('CLUSTER SHARDS, NODES, INFO, MYID and KEYSLOT', async () => {
    const client = await raw.connect(proxies[0].port);
    const shards = plain(await client.call(['CLUSTER', 'SHARDS'])) as Array<[string, number[], string, unknown[][]]>;
    expect(shards).toHaveLength(3);
    const first = shards.find((s) => (s[3][0] as unknown[])[3] === proxies[0].port)!;
    expect(first[1]).toEqual([...cluster.shards[0].slots, ...cluster.shards[2].slots]);
    const nodes = text(await client.call(['CLUSTER', 'NODES'])).trim().split('\n');
    expect(nodes).toHaveLength(3);
    const mine = nodes.find((l) => l.includes('myself'))!;
    expect(mine).toContain(`${fakeNodeId(proxies[0].port)} 127.0.0.1:${proxies[0].port}@`);
    expect(mine).toContain(`${cluster.shards[0].slots[0]}-${cluster.shards[0].slots[1]} ${cluster.shards[2].slots[0]}-${cluster.shards[2].slots[1]}`);
    const info = fields(await client.call(['CLUSTER', 'INFO']));
    expect(info).toMatchObject({ cluster_state: 'ok', cluster_slots_assigned: '16384', cluster_known_nodes: '3', cluster_size: '3' });
    expect(text(await client.call(['CLUSTER', 'MYID']))).toBe(fakeNodeId(proxies[0].port));
    expect(await client.call(['CLUSTER', 'KEYSLOT', 'somekey'])).toBe(keySlot('somekey'));
    expect(fields(await client.call(['INFO', 'cluster'])).cluster_enabled).toBe('1');
    expect(await client.call(['READONLY'])).toBe('OK');
    expect(await client.call(['READWRITE'])).toBe('OK');
  });

  test('a key owned by another proxy gets MOVED to it; cross-slot multi-key commands get CROSSSLOT', async () => {
    const client = await raw.connect(proxies[0].port);
    for (const [i, shard] of cluster.shards.entries()) {
      const key = keyInRange(shard.slots[0], shard.slots[1], 'oss:moved');
      const reply = plain(await client.call(['SET', key, 'v']));
      if (proxyOfShard[i] === proxies[0].port) expect(reply).toBe('OK');
      else expect(reply).toEqual({ error: `MOVED ${keySlot(key)} 127.0.0.1:${proxyOfShard[i]}` });
    }
    const [a, b] = [keyInRange(cluster.shards[0].slots[0], cluster.shards[0].slots[1], 'oss:x'), keyInRange(cluster.shards[2].slots[0], cluster.shards[2].slots[1], 'oss:y')];
    expect(plain(await client.call(['MGET', a, b]))).toEqual({ error: "CROSSSLOT Keys in request don't hash to the same slot" });
    const tagged = proxyOfShard[shardOfSlot(keySlot('{oss}a'))];
    expect(plain(await client.call(['MSET', '{oss}a', '1', '{oss}b', '2']))).toEqual(tagged === proxies[0].port ? 'OK' : { error: `MOVED ${keySlot('{oss}a')} 127.0.0.1:${tagged}` });
  });

  test('ioredis Cluster writes and reads 1,000 keys spread over all slots', async () => {
    const client = new Redis.Cluster([{ host: '127.0.0.1', port: proxies[2].port }], { enableOfflineQueue: true });
    client.on('error', () => undefined);
    try {
      const keys = manyKeys('oss:ioredis', 1000);
      await Promise.all(keys.map((k, i) => client.set(k, `v${i}`)));
      const values = await Promise.all(keys.map((k) => client.get(k)));
      expect(values).toEqual(keys.map((_, i) => `v${i}`));
      const shards = new Set(keys.map((k) => shardOfSlot(keySlot(k))));
      expect(shards.size).toBe(4);
      // Each key really lives on the shard owning its slot.
      for (const k of keys.slice(0, 50)) expect(text(await command(cluster.shards[shardOfSlot(keySlot(k))].primaryPort, ['GET', k]))).toMatch(/^v\d+$/);
      expect(await client.mget('{oss:io}a', '{oss:io}b')).toEqual([null, null]);
      expect(await client.multi().set('{oss:io}a', '1').incr('{oss:io}a').exec()).toEqual([
        [null, 'OK'],
        [null, 2],
      ]);
    } finally {
      await client.quit();
    }
  });

  test('node-redis createCluster writes and reads 1,000 keys spread over all slots', async () => {
    const client = createCluster({ rootNodes: [{ url: `redis://127.0.0.1:${proxies[1].port}` }] });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const keys = manyKeys('oss:noderedis', 1000);
      expect(await Promise.all(keys.map((k, i) => client.set(k, `n${i}`)))).toEqual(keys.map(() => 'OK'));
      expect(await Promise.all(keys.map((k) => client.get(k)))).toEqual(keys.map((_, i) => `n${i}`));
      expect(new Set(keys.map((k) => shardOfSlot(keySlot(k)))).size).toBe(4);
      expect(await client.mGet(['{oss:nr}a', '{oss:nr}b'])).toEqual([null, null]);
      expect(await client.multi().set('{oss:nr}a', '1').incr('{oss:nr}a').exec()).toEqual(['OK', 2]);
    } finally {
      await client.quit();
    }
  });

  test('DBSIZE and SCAN on a proxy cover the primaries it fronts', async () => {
    const client = await raw.connect(proxies[0].port);
    const own = [cluster.shards[0].primaryPort, cluster.shards[2].primaryPort];
    const expected = (await Promise.all(own.map((p) => command(p, ['DBSIZE'])))).reduce((a: number, b) => a + Number(b), 0);
    expect(await client.call(['DBSIZE'])).toBe(expected);
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, page] = plain(await client.call(['SCAN', cursor, 'COUNT', '200'])) as [string, string[]];
      page.forEach((k) => seen.add(k));
      cursor = next;
    } while (cursor !== '0');
    expect(seen.size).toBe(expected);
    for (const k of seen) expect([0, 2]).toContain(shardOfSlot(keySlot(k)));
  });
});
