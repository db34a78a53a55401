/**
 * The proxy on the single-endpoint policies (EnterpriseCluster, NoCluster), in front of a real 3-shard Redis Cluster,
 * with unmodified ioredis and node-redis clients; AUTH and refuseFlush.
 */
import * as net from 'net';
import Redis, { type RedisOptions } from 'ioredis';
import { createClient } from 'redis';
import { freePorts } from '../../src/emulator/ports';
import { startProxy, type ProxyHandle } from '../../src/emulator/proxy';
import { command, RespError, text } from '../../src/emulator/resp';
import { keySlot } from '../../src/emulator/slots';
import { startTestCluster, type TestCluster } from '../support/cluster';
import { fields, keyInRange, manyKeys, plain, RawClients } from './support-proxy';

jest.setTimeout(60000);

let cluster: TestCluster;
let proxy: ProxyHandle;
let noCluster: ProxyHandle;
let secured: ProxyHandle;
const raw = new RawClients();
const ioredisClients: Redis[] = [];

function ioredis(port = proxy.port, options: RedisOptions = {}): Redis {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, ...options });
  client.on('error', () => undefined);
  ioredisClients.push(client);
  return client;
}

beforeAll(async () => {
  cluster = await startTestCluster(3, 0);
  const [p1, p2, p3] = await freePorts(3);
  proxy = await startProxy({ listenPort: p1, clusteringPolicy: 'EnterpriseCluster', seeds: cluster.ports });
  noCluster = await startProxy({ listenPort: p2, clusteringPolicy: 'NoCluster', seeds: cluster.ports });
  secured = await startProxy({ listenPort: p3, clusteringPolicy: 'EnterpriseCluster', seeds: [cluster.ports[1]], password: 's3cret', refuseFlush: true });
});

afterAll(async () => {
  for (const c of ioredisClients) if (c.status !== 'end') c.disconnect();
  raw.closeAll();
  await proxy?.close();
  await noCluster?.close();
  await secured?.close();
  await cluster?.stop();
});

describe('EnterpriseCluster with ioredis', () => {
  test('SET/GET on keys of every shard', async () => {
    const client = ioredis();
    for (const shard of cluster.shards) {
      const key = keyInRange(shard.slots[0], shard.slots[1], 'ent:setget');
      expect(await client.set(key, `value of ${key}`)).toBe('OK');
      expect(await client.get(key)).toBe(`value of ${key}`);
      // It really is on the shard that owns the slot.
      expect(text(await command(shard.primaryPort, ['GET', key]))).toBe(`value of ${key}`);
    }
    client.disconnect();
  });

  test('MSET/MGET/DEL/EXISTS/UNLINK/TOUCH across slots are split and merged', async () => {
    const client = ioredis();
    const keys = manyKeys('ent:multi', 50);
    expect(new Set(keys.map((k) => keySlot(k))).size).toBeGreaterThan(10);
    expect(await client.mset(Object.fromEntries(keys.map((k) => [k, `v-${k}`])))).toBe('OK');
    const missing = 'ent:multi:missing';
    expect(await client.mget(...keys, missing, keys[0])).toEqual([...keys.map((k) => `v-${k}`), null, `v-${keys[0]}`]);
    expect(await client.exists(...keys, missing, keys[1])).toBe(51);
    expect(await client.touch(...keys.slice(0, 10))).toBe(10);
    expect(await client.del(...keys.slice(0, 20), missing)).toBe(20);
    expect(await client.unlink(...keys.slice(15, 30))).toBe(10);
    expect(await client.exists(...keys)).toBe(20);
    client.disconnect();
  });

  test('other cross-slot commands are refused with CROSSSLOT; hash tags make them legal', async () => {
    const client = ioredis();
    const [a, b] = ['ent:set:a', 'ent:set:b'];
    expect(keySlot(a)).not.toBe(keySlot(b));
    await client.sadd(a, 'x', 'y');
    await client.sadd(b, 'y', 'z');
    await expect(client.sunionstore('ent:set:dest', a, b)).rejects.toThrow(/^CROSSSLOT Keys in request don't hash to the same slot/);
    await expect(client.rename(a, 'ent:set:renamed')).rejects.toThrow(/CROSSSLOT/);
    await expect(client.eval("return redis.call('GET', KEYS[1])", 2, a, b)).rejects.toThrow(/CROSSSLOT/);
    await client.sadd('{ent:tag}a', 'x', 'y');
    await client.sadd('{ent:tag}b', 'y', 'z');
    expect(await client.sunionstore('{ent:tag}dest', '{ent:tag}a', '{ent:tag}b')).toBe(3);
    expect(await client.rename('{ent:tag}dest', '{ent:tag}renamed')).toBe('OK');
    expect((await client.smembers('{ent:tag}renamed')).sort()).toEqual(['x', 'y', 'z']);
    expect(await client.eval("return redis.call('SCARD', KEYS[1]) + redis.call('SCARD', KEYS[2])", 2, '{ent:tag}a', '{ent:tag}b')).toBe(4);
    client.disconnect();
  });

  test('a pipeline of 1,000 commands across slots comes back in order with the right values', async () => {
    const client = ioredis();
    const keys = manyKeys('ent:pipe', 500);
    const pipeline = client.pipeline();
    keys.forEach((k, i) => pipeline.set(k, String(i)).incr(k));
    const results = await pipeline.exec();
    expect(results).toHaveLength(1000);
    results!.forEach(([error, value], i) => {
      expect(error).toBeNull();
      expect(value).toBe(i % 2 === 0 ? 'OK' : Math.floor(i / 2) + 1);
    });
    const reads = client.pipeline();
    keys.forEach((k) => reads.get(k).strlen(k));
    const values = (await reads.exec())!.map(([, v]) => v);
    keys.forEach((_, i) => {
      expect(values[2 * i]).toBe(String(i + 1));
      expect(values[2 * i + 1]).toBe(String(i + 1).length);
    });
    client.disconnect();
  });

  test('binary-safe values, big values and inline commands pass through', async () => {
    const client = ioredis();
    const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await client.set(Buffer.from([0xff, 0x00, 0x7b, 0x0d, 0x0a]), binary);
    expect(await client.getBuffer(Buffer.from([0xff, 0x00, 0x7b, 0x0d, 0x0a]))).toEqual(binary);
    const big = 'x'.repeat(3 * 1024 * 1024);
    await client.set('ent:big', big);
    expect(await client.get('ent:big')).toBe(big);
    client.disconnect();
    const inline = await new Promise<string>((resolve, reject) => {
      const socket = net.connect({ port: proxy.port, host: '127.0.0.1' }, () => socket.write('PING\r\nECHO hi\r\n'));
      let data = '';
      socket.on('data', (chunk) => {
        data += chunk.toString();
        if (data.includes('hi\r\n')) {
          socket.destroy();
          resolve(data);
        }
      });
      socket.on('error', reject);
    });
    expect(inline).toBe('+PONG\r\n$2\r\nhi\r\n');
  });

  test('replies leave in request order, before QUIT closes and before a protocol error, those from the shards included', async () => {
    // Everything until the server closes the connection (the proxy gathers a turn's replies per client and writes them
    // at the end of the turn: a close must not overtake them).
    const untilClosed = (data: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = net.connect({ port: proxy.port, host: '127.0.0.1' }, () => socket.write(data));
        let received = '';
        socket.on('data', (chunk) => (received += chunk.toString('latin1')));
        socket.on('close', () => resolve(received));
        socket.on('error', reject);
      });
    const [a, b] = cluster.shards.map((shard) => keyInRange(shard.slots[0], shard.slots[1], 'ent:turn'));
    const cmd = (...args: string[]) => `*${args.length}\r\n${args.map((x) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`).join('')}`;
    const quit = await untilClosed(cmd('SET', a, 'v') + cmd('GET', a) + cmd('GET', b) + cmd('PING') + cmd('QUIT') + cmd('PING'));
    expect(quit).toBe('+OK\r\n$1\r\nv\r\n$-1\r\n+PONG\r\n+OK\r\n');
    // As Redis does: the replies to every command before the error, those from the shards included, then the error,
    // then the connection closes; what follows the error is never run.
    const malformed = await untilClosed(cmd('SET', b, 'w') + cmd('GET', a) + cmd('PING') + cmd('GET', b) + cmd('ECHO', 'x') + '*2\r\n$abc\r\nGET\r\n' + cmd('SET', a, 'after'));
    expect(malformed).toBe('+OK\r\n$1\r\nv\r\n+PONG\r\n$1\r\nw\r\n$1\r\nx\r\n-ERR Protocol error: invalid bulk length\r\n');
    const notCommands = await untilClosed(cmd('GET', a) + '*1\r\n:5\r\n' + cmd('DEL', a));
    expect(notCommands).toBe("$1\r\nv\r\n-ERR Protocol error: expected '$', got ':'\r\n"); // Redis' own words
    const client = ioredis();
    expect(await client.get(a)).toBe('v'); // neither SET after the first error nor DEL after the second ran
    client.disconnect();
  });

  test('SCAN visits every key exactly once, DBSIZE sums the shards, KEYS merges them', async () => {
    const client = ioredis();
    await client.flushall();
    expect(await client.dbsize()).toBe(0);
    const keys = manyKeys('ent:scan', 700);
    await client.mset(Object.fromEntries(keys.map((k) => [k, '1'])));
    const seen: string[] = [];
    let cursor = '0';
    let calls = 0;
    do {
      const [next, page] = await client.scan(cursor, 'COUNT', 50);
      seen.push(...page);
      cursor = next;
      calls++;
    } while (cursor !== '0');
    expect(calls).toBeGreaterThan(3);
    expect(seen).toHaveLength(700);
    expect(new Set(seen)).toEqual(new Set(keys));
    const streamed = await new Promise<string[]>((resolve, reject) => {
      const out: string[] = [];
      client.scanStream({ match: 'ent:scan:1*', count: 100 }).on('data', (page: string[]) => out.push(...page)).on('end', () => resolve(out)).on('error', reject);
    });
    expect(new Set(streamed)).toEqual(new Set(keys.filter((k) => k.startsWith('ent:scan:1'))));
    expect(streamed).toHaveLength(new Set(streamed).size);
    expect(await client.dbsize()).toBe(700);
    const perShard = await Promise.all(cluster.shards.map(async (s) => Number(await command(s.primaryPort, ['DBSIZE']))));
    expect(perShard.every((n) => n > 0)).toBe(true);
    expect((await client.keys('ent:scan:*')).sort()).toEqual([...keys].sort());
    expect(keys).toContain(await client.randomkey());
    client.disconnect();
  });

  test('MULTI/EXEC in one slot works; across slots it is refused; WATCH detects a conflict', async () => {
    const client = ioredis();
    const other = ioredis();
    expect(await client.multi().set('{ent:tx}a', '1').incr('{ent:tx}a').get('{ent:tx}a').exec()).toEqual([
      [null, 'OK'],
      [null, 2],
      [null, '2'],
    ]);
    await expect(client.multi().set('ent:tx:a', '1').set('ent:tx:b', '2').exec()).rejects.toThrow(/EXECABORT/);
    await client.watch('{ent:tx}w');
    await other.set('{ent:tx}w', 'changed');
    expect(await client.multi().set('{ent:tx}w', 'mine').exec()).toBeNull();
    await client.watch('{ent:tx}w');
    expect(await client.multi().set('{ent:tx}w', 'mine').exec()).toEqual([[null, 'OK']]);
    expect(await other.get('{ent:tx}w')).toBe('mine');
    client.disconnect();
    other.disconnect();
  });

  test('a blocked BLPOP does not hold up other clients', async () => {
    const blocked = ioredis();
    const client = ioredis();
    const popped = blocked.blpop('ent:queue', 10);
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    for (let i = 0; i < 20; i++) await client.set('ent:queue:probe', String(i));
    expect(Date.now() - started).toBeLessThan(2000);
    await client.rpush('ent:queue', 'job');
    expect(await popped).toEqual(['ent:queue', 'job']);
    blocked.disconnect();
    client.disconnect();
  });

  test('Pub/Sub through the proxy', async () => {
    const subscriber = ioredis();
    const publisher = ioredis();
    const received = new Promise<string>((resolve) => subscriber.on('message', (_channel, message) => resolve(message)));
    await subscriber.subscribe('ent:news');
    expect(await publisher.publish('ent:news', 'hello')).toBeGreaterThanOrEqual(1);
    expect(await received).toBe('hello');
    subscriber.disconnect();
    publisher.disconnect();
  });

  test('keyless and connection commands are answered sensibly; CLUSTER is disabled except INFO', async () => {
    const client = await raw.connect(proxy.port);
    expect(await client.call(['PING'])).toBe('PONG');
    expect(text(await client.call(['ECHO', 'hello']))).toBe('hello');
    expect((await client.call(['TIME'])) as unknown[]).toHaveLength(2);
    expect(fields(await client.call(['INFO', 'cluster'])).cluster_enabled).toBe('0');
    expect(fields(await client.call(['INFO', 'server'])).redis_version).toMatch(/^7\./);
    expect(fields(await client.call(['CLUSTER', 'INFO'])).cluster_state).toBe('ok');
    expect(plain(await client.call(['CLUSTER', 'SLOTS']))).toEqual({ error: 'ERR This instance has cluster support disabled' });
    expect(await client.call(['SELECT', '0'])).toBe('OK');
    expect(await client.call(['SELECT', '1'])).toBeInstanceOf(RespError);
    expect(await client.call(['CLIENT', 'SETNAME', 'tester'])).toBe('OK');
    expect(text(await client.call(['CLIENT', 'GETNAME']))).toBe('tester');
    expect(plain(await client.call(['CONFIG', 'GET', 'maxmemory-policy']))).toEqual(['maxmemory-policy', expect.any(String)]);
    expect(plain(await client.call(['CONFIG', 'SET', 'maxmemory-policy', 'noeviction']))).toEqual({ error: expect.stringMatching(/blocked/) });
    expect(plain(await client.call(['DEBUG', 'SLEEP', '0']))).toEqual({ error: expect.stringMatching(/blocked/) });
    expect(plain(await client.call(['HELLO', '3']))).toEqual({ error: expect.stringMatching(/^NOPROTO/) });
    expect(plain(await client.call(['AUTH', 'x']))).toEqual({ error: expect.stringMatching(/without any password configured/) });
    expect(plain(await client.call(['WAIT', '0', '0']))).toBe(0);
    // SCRIPT LOAD reaches every shard, so EVALSHA works whichever shard the key lands on.
    const sha = text(await client.call(['SCRIPT', 'LOAD', "return redis.call('GET', KEYS[1])"]));
    for (const shard of cluster.shards) {
      const key = keyInRange(shard.slots[0], shard.slots[1], 'ent:sha');
      await client.call(['SET', key, 'v']);
      expect(text(await client.call(['EVALSHA', sha, '1', key]))).toBe('v');
    }
    expect(await client.call(['SCRIPT', 'EXISTS', sha, 'ffffffffffffffffffffffffffffffffffffffff'])).toEqual([1, 0]);
    expect(await client.call(['QUIT'])).toBe('OK');
  });

  test('NoCluster behaves like EnterpriseCluster: one endpoint, cross-slot MGET works', async () => {
    const client = ioredis(noCluster.port);
    await client.mset({ 'nc:a': '1', 'nc:b': '2', 'nc:c': '3' });
    expect(await client.mget('nc:a', 'nc:b', 'nc:c')).toEqual(['1', '2', '3']);
    client.disconnect();
  });
});

describe('EnterpriseCluster with node-redis', () => {
  test('SET/GET, MSET/MGET across slots, 1,000 auto-pipelined commands in order, SCAN, DBSIZE', async () => {
    const client = createClient({ url: `redis://127.0.0.1:${proxy.port}` });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.set('nr:one', 'uno');
      expect(await client.get('nr:one')).toBe('uno');
      const keys = manyKeys('nr:multi', 40);
      await client.mSet(keys.map((k) => [k, `v-${k}`] as [string, string]));
      expect(await client.mGet(keys)).toEqual(keys.map((k) => `v-${k}`));
      await expect(client.sUnionStore('nr:dest', ['nr:multi:1', 'nr:multi:2'])).rejects.toThrow(/CROSSSLOT/);
      const pipeKeys = manyKeys('nr:pipe', 500);
      const replies = await Promise.all(pipeKeys.flatMap((k, i) => [client.set(k, String(i)), client.get(k)]));
      pipeKeys.forEach((_, i) => {
        expect(replies[2 * i]).toBe('OK');
        expect(replies[2 * i + 1]).toBe(String(i));
      });
      const seen: string[] = [];
      for await (const key of client.scanIterator({ MATCH: 'nr:pipe:*', COUNT: 100 })) seen.push(key);
      expect(seen.sort()).toEqual([...pipeKeys].sort());
      expect(await client.dbSize()).toBeGreaterThanOrEqual(541);
      expect(await client.multi().set('{nr}x', '1').incr('{nr}x').exec()).toEqual(['OK', 2]);
    } finally {
      await client.quit();
    }
  });
});

describe('NoCluster with node-redis', () => {
  test('one endpoint: SET/GET, cross-slot MSET/MGET/DEL, SCAN over every shard', async () => {
    const client = createClient({ url: `redis://127.0.0.1:${noCluster.port}` });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const keys = manyKeys('nc-nr', 30);
      await client.mSet(keys.map((k) => [k, `v-${k}`] as [string, string]));
      expect(new Set(keys.map(keySlot)).size).toBeGreaterThan(1);
      expect(await client.mGet(keys)).toEqual(keys.map((k) => `v-${k}`));
      const seen: string[] = [];
      for await (const key of client.scanIterator({ MATCH: 'nc-nr:*', COUNT: 50 })) seen.push(key);
      expect(seen.sort()).toEqual([...keys].sort());
      expect(await client.del(keys)).toBe(keys.length);
      expect(await client.exists(keys)).toBe(0);
    } finally {
      await client.quit();
    }
  });
});

describe('AUTH and refuseFlush', () => {
  test('commands before AUTH get NOAUTH, a wrong password WRONGPASS, the right one works', async () => {
    const client = await raw.connect(secured.port);
    expect(plain(await client.call(['GET', 'k']))).toEqual({ error: 'NOAUTH Authentication required.' });
    expect(plain(await client.call(['PING']))).toEqual({ error: 'NOAUTH Authentication required.' });
    expect(plain(await client.call(['HELLO', '2']))).toEqual({ error: expect.stringMatching(/^NOAUTH/) });
    expect(plain(await client.call(['AUTH', 'wrong']))).toEqual({ error: expect.stringMatching(/^WRONGPASS/) });
    expect(plain(await client.call(['AUTH', 'default', 'wrong']))).toEqual({ error: expect.stringMatching(/^WRONGPASS/) });
    expect(plain(await client.call(['GET', 'k']))).toEqual({ error: expect.stringMatching(/^NOAUTH/) });
    expect(await client.call(['AUTH', 's3cret'])).toBe('OK');
    expect(await client.call(['SET', 'auth:k', 'v'])).toBe('OK');
    const hello = await raw.connect(secured.port);
    expect(plain(await hello.call(['HELLO', '3', 'AUTH', 'default', 's3cret']))).toEqual({ error: expect.stringMatching(/^NOPROTO/) });
    expect(plain(await hello.call(['HELLO', '2', 'AUTH', 'default', 'wrong']))).toEqual({ error: expect.stringMatching(/^WRONGPASS/) });
    const reply = plain(await hello.call(['HELLO', '2', 'AUTH', 'default', 's3cret', 'SETNAME', 'me'])) as unknown[];
    expect(reply.slice(0, 6)).toEqual(['server', 'redis', 'version', expect.stringMatching(/^7\./), 'proto', 2]);
    expect(text(await hello.call(['GET', 'auth:k']))).toBe('v');
    expect(text(await hello.call(['CLIENT', 'GETNAME']))).toBe('me');
    expect(await hello.call(['RESET'])).toBe('RESET');
    expect(plain(await hello.call(['GET', 'auth:k']))).toEqual({ error: expect.stringMatching(/^NOAUTH/) });
  });

  test('ioredis and node-redis authenticate with the password; a wrong one fails', async () => {
    const good = ioredis(secured.port, { password: 's3cret' });
    expect(await good.get('auth:k')).toBe('v');
    good.disconnect();
    const withUser = ioredis(secured.port, { username: 'default', password: 's3cret' });
    expect(await withUser.get('auth:k')).toBe('v');
    withUser.disconnect();
    const bad = ioredis(secured.port, { password: 'nope', retryStrategy: () => null });
    const errors: Error[] = [];
    bad.on('error', (error: Error) => errors.push(error));
    await bad.connect().catch(() => undefined);
    expect(errors.map((e) => e.message).join('\n')).toMatch(/WRONGPASS/);
    bad.disconnect();
    const nr = createClient({ url: `redis://default:s3cret@127.0.0.1:${secured.port}` });
    nr.on('error', () => undefined);
    await nr.connect();
    expect(await nr.get('auth:k')).toBe('v');
    await nr.quit();
  });

  test('FLUSHALL and FLUSHDB are refused on a geo-replicated cache', async () => {
    const client = ioredis(secured.port, { password: 's3cret' });
    await expect(client.flushall()).rejects.toThrow('ERR FLUSHALL is not allowed on a geo-replicated cache (AMR-RUN-009); use the flush operation of the control plane');
    await expect(client.flushdb()).rejects.toThrow(/FLUSHDB is not allowed on a geo-replicated cache/);
    expect(await client.get('auth:k')).toBe('v');
    client.disconnect();
  });
});

describe('stale routing', () => {
  test('a slot migrating and then moved under the proxy: it follows ASK and MOVED itself', async () => {
    const stale = await startProxy({ listenPort: (await freePorts(1))[0], clusteringPolicy: 'EnterpriseCluster', seeds: cluster.ports, refreshMs: 600000 });
    try {
      const [from, to] = [cluster.shards[0].primaryPort, cluster.shards[1].primaryPort];
      const key = keyInRange(cluster.shards[0].slots[0], cluster.shards[0].slots[1], 'stale:migrating');
      const slot = keySlot(key);
      expect(await command(from, ['CLUSTER', 'COUNTKEYSINSLOT', slot])).toBe(0);
      const [fromId, toId] = [text(await command(from, ['CLUSTER', 'MYID'])), text(await command(to, ['CLUSTER', 'MYID']))];
      expect(await command(to, ['CLUSTER', 'SETSLOT', slot, 'IMPORTING', fromId])).toBe('OK');
      expect(await command(from, ['CLUSTER', 'SETSLOT', slot, 'MIGRATING', toId])).toBe('OK');
      const client = await raw.connect(stale.port);
      // The key is not on the source any more: the source answers ASK, the proxy asks the target.
      expect(await client.call(['SET', key, 'during'])).toBe('OK');
      // It really went to the target (which answers for an importing slot only after ASKING).
      expect(plain(await command(to, ['GET', key]))).toEqual({ error: expect.stringMatching(/^MOVED/) });
      const target = await raw.connect(to);
      expect(await target.call(['ASKING'])).toBe('OK');
      expect(text(await target.call(['GET', key]))).toBe('during');
      expect(text(await client.call(['GET', key]))).toBe('during');
      expect(await command(to, ['CLUSTER', 'SETSLOT', slot, 'NODE', toId])).toBe('OK');
      expect(await command(from, ['CLUSTER', 'SETSLOT', slot, 'NODE', toId])).toBe('OK');
      // Now the source answers MOVED: the proxy follows it (and refreshes its routing).
      expect(await client.call(['SET', key, 'after'])).toBe('OK');
      expect(text(await command(to, ['GET', key]))).toBe('after');
      expect(text(await client.call(['GET', key]))).toBe('after');
      expect(plain(await client.call(['MGET', key, 'stale:other']))).toEqual(['after', null]);
    } finally {
      await stale.close();
    }
  });
});
