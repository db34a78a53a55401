/**
 * MULTI/EXEC on a geo-replicated cache, end to end with real redis-server processes (the mission-critical example's
 * group of three regions, one shard each): a transaction that writes runs in the region's geo replicator as one unit
 * (ioredis and node-redis `multi()`), its replies are EXEC's, its effects reach every region, a reader never sees half
 * of it, concurrent transactions in several regions converge; queue-time errors give EXECABORT, DISCARD works, WATCH is
 * refused with a clear error.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Redis from 'ioredis';
import { createClient } from 'redis';
import { MissionCriticalStack } from '../../examples/mission-critical/stack';
import { geoDigest, quiesceGeo } from './support-geo';
import { prng } from '../support/prng';
import { synthesizeStack } from '../support/synth';
import { down, status, up } from '../../src/emulator/emulator';
import { isAlive, sleep } from '../../src/emulator/processes';
import { readState, trackedPids } from '../../src/emulator/state';
import { RespClient, RespError, text, type RespValue } from '../../src/emulator/resp';

jest.setTimeout(180000);

const synthesizeMissionCritical = () => synthesizeStack('mission-critical', (app, id) => new MissionCriticalStack(app, id));

describe('MULTI/EXEC on a geo-replicated cache (mission-critical example)', () => {
  const stackDir = synthesizeMissionCritical();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-geo-tx-state-'));
  /** One client per region, in the group's member order. */
  let clients: Redis[] = [];
  let names: string[] = [];
  let endpoints: Array<{ port: number; proxyPort: number; password?: string; ca?: Buffer }> = [];

  beforeAll(async () => {
    await up({ source: stackDir, stateDir, shards: 1 });
    names = readState(stateDir)!.geoGroups![0].members.slice();
    const s = await status(stateDir);
    endpoints = names.map((name) => {
      const cache = s.caches.find((c) => c.name === name)!;
      return { port: Number(cache.endpoint!.split(':')[1]), proxyPort: cache.nodes[0].proxy.port, password: cache.password ?? undefined, ca: cache.caFile ? fs.readFileSync(cache.caFile) : undefined };
    });
    clients = endpoints.map((e) => new Redis({ port: e.port, password: e.password, tls: e.ca ? { ca: e.ca } : undefined, maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true }));
    await Promise.all(clients.map((c) => c.connect()));
  });

  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    const pids = trackedPids(readState(stateDir)!);
    await down({ stateDir, purge: true });
    expect(pids.filter(isAlive)).toEqual([]);
  });

  const quiesce = (timeoutMs?: number) => quiesceGeo(stateDir, timeoutMs);
  const digest = geoDigest;

  /** A raw RESP session on region `i`, on its first node's proxy (every reply, errors included, as sent). */
  const raw = async (i: number): Promise<{ call: (...args: string[]) => Promise<RespValue>; close: () => void }> => {
    const client = await RespClient.connect(endpoints[i].proxyPort, '127.0.0.1', 2000, null);
    if (endpoints[i].password) await client.call(['AUTH', endpoints[i].password!]);
    return { call: (...args) => client.call(args), close: () => client.close() };
  };

  test('ioredis multi() in region A: HSET + INCRBY + SADD + GET reply as EXEC does, and the effects reach every region', async () => {
    const [a] = clients;
    await a.set('{tx}:n', '10');
    const replies = await a
      .multi()
      .hset('{tx}:h', 'f', 'v', 'g', 'w')
      .incrby('{tx}:n', 5)
      .sadd('{tx}:s', 'x', 'y')
      .get('{tx}:n')
      .hgetall('{tx}:h')
      .smembers('{tx}:s')
      .exec();
    expect(replies!.map(([e]) => e)).toEqual([null, null, null, null, null, null]);
    expect(replies!.map(([, r]) => r)).toEqual([2, 15, 2, '15', { f: 'v', g: 'w' }, ['x', 'y']]);
    await quiesce();
    const fidelity = JSON.parse(fs.readFileSync(path.join(stateDir, 'fidelity.json'), 'utf8'));
    expect(fidelity.emulated.join('\n')).toMatch(/MULTI\/EXEC with merged writes/);
    expect(fidelity.notEmulated.join('\n')).toMatch(/WATCH/);
    for (const c of clients) {
      expect(await c.hgetall('{tx}:h')).toEqual({ f: 'v', g: 'w' });
      expect(await c.get('{tx}:n')).toBe('15');
      expect((await c.smembers('{tx}:s')).sort()).toEqual(['x', 'y']);
    }
  });

  test('node-redis multi() in region B: replies, a runtime error does not abort the others, effects in every region', async () => {
    const client = createClient({ url: `rediss://127.0.0.1:${endpoints[1].port}`, password: endpoints[1].password, socket: { tls: true, ca: endpoints[1].ca } });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const replies = await client
        .multi()
        .hSet('{nr}:h', { f: '1' })
        .hIncrBy('{nr}:h', 'f', 41)
        .incrBy('{nr}:n', 7)
        .sAdd('{nr}:s', ['a', 'b'])
        .zAdd('{nr}:z', [{ score: 1.5, value: 'm' }])
        .expire('{nr}:n', 3600)
        .ttl('{nr}:n')
        .get('{nr}:n')
        .hGet('{nr}:h', 'f')
        .exec();
      expect(replies).toEqual([1, 42, 7, 2, 1, true, 3600, '7', '42']);
      // A runtime error is that command's element; the others run (node-redis rejects EXEC and names the error).
      const failed = (await client.multi().set('{nr}:k', 'text').incr('{nr}:k').append('{nr}:k', '!').get('{nr}:k').exec().then(
        () => ({ replies: [], errorIndexes: [] }),
        (e: { replies: unknown[]; errorIndexes: number[] }) => e,
      )) as { replies: unknown[]; errorIndexes: number[] };
      expect(failed.errorIndexes).toEqual([1]);
      expect(String(failed.replies[1])).toMatch(/ERR value is not an integer or out of range/);
      expect([failed.replies[0], failed.replies[2], failed.replies[3]]).toEqual(['OK', 5, 'text!']);
      expect(await client.get('{nr}:k')).toBe('text!');
    } finally {
      await client.quit();
    }
    await quiesce();
    for (const c of clients) {
      expect(await c.hget('{nr}:h', 'f')).toBe('42');
      expect(await c.get('{nr}:n')).toBe('7');
      expect(await c.ttl('{nr}:n')).toBeGreaterThan(3500);
      expect(await c.zscore('{nr}:z', 'm')).toBe('1.5');
      expect(await c.get('{nr}:k')).toBe('text!');
    }
  });

  test('queue-time errors give EXECABORT (unmergeable writes keep their clear refusal); DISCARD works; WATCH is refused', async () => {
    const s = await raw(0);
    try {
      expect(await s.call('MULTI')).toBe('OK');
      expect(text(await s.call('SET', '{q}:k', 'v'))).toBe('QUEUED');
      expect(await s.call('LPUSH', '{q}:l', 'x')).toEqual(new RespError('ERR LPUSH is not supported on a geo-replicated cache by the emulator (cannot be merged conflict-free); see the fidelity report'));
      expect(await s.call('EXEC')).toEqual(new RespError('EXECABORT Transaction discarded because of previous errors.'));
      // Wrong arity, as Redis checks it when queueing.
      await s.call('MULTI');
      expect(await s.call('HSET', '{q}:h', 'f')).toEqual(new RespError("ERR wrong number of arguments for 'hset' command"));
      expect(await s.call('EXEC')).toEqual(new RespError('EXECABORT Transaction discarded because of previous errors.'));
      // A read the replicator cannot answer does not mix with writes (in either order).
      await s.call('MULTI');
      await s.call('SET', '{q}:k', 'v');
      expect(text(await s.call('GETRANGE', '{q}:k', '0', '1'))).toMatch(/^ERR GETRANGE cannot be combined with writes inside MULTI on a geo-replicated cache/);
      expect(await s.call('EXEC')).toEqual(new RespError('EXECABORT Transaction discarded because of previous errors.'));
      await s.call('MULTI');
      expect(text(await s.call('GETRANGE', '{q}:k', '0', '1'))).toBe('QUEUED');
      expect(text(await s.call('SET', '{q}:k', 'v'))).toMatch(/^ERR GETRANGE cannot be combined with writes inside MULTI/);
      expect(await s.call('EXEC')).toEqual(new RespError('EXECABORT Transaction discarded because of previous errors.'));
      // Cross-slot transactions are refused as everywhere.
      await s.call('MULTI');
      await s.call('SET', '{q}:k', 'v');
      expect(await s.call('SET', '{other}:k', 'v')).toEqual(new RespError("CROSSSLOT Keys in request don't hash to the same slot"));
      expect(await s.call('EXEC')).toEqual(new RespError('EXECABORT Transaction discarded because of previous errors.'));
      // DISCARD drops the queued writes.
      await s.call('MULTI');
      await s.call('SET', '{q}:k', 'v');
      expect(await s.call('DISCARD')).toBe('OK');
      expect(await s.call('EXEC')).toEqual(new RespError('ERR EXEC without MULTI'));
      // WATCH: a change merged from another region could not trigger it.
      expect(text(await s.call('WATCH', '{q}:k'))).toMatch(/^ERR WATCH is not supported on a geo-replicated cache by the emulator/);
      // A transaction without writes still runs in Redis, with any read.
      await s.call('MULTI');
      await s.call('GETRANGE', '{q}:k', '0', '1');
      await s.call('EXISTS', '{q}:k');
      expect(await s.call('EXEC')).toEqual([Buffer.from(''), 0]);
    } finally {
      s.close();
    }
    await quiesce();
    for (const c of clients) expect(await c.exists('{q}:k', '{q}:l', '{q}:h')).toBe(0);
    await expect(clients[0].multi().set('{q}:k', 'v').lpush('{q}:l', 'x').exec()).rejects.toThrow(/EXECABORT/);
  });

  test('a reader never sees half of a transaction, in its region or in another', async () => {
    const [a, b] = clients;
    const readerA = new Redis({ port: endpoints[0].port, password: endpoints[0].password, tls: endpoints[0].ca ? { ca: endpoints[0].ca } : undefined });
    const readerB = new Redis({ port: endpoints[1].port, password: endpoints[1].password, tls: endpoints[1].ca ? { ca: endpoints[1].ca } : undefined });
    const torn: string[] = [];
    let writing = true;
    const read = async (r: Redis) => {
      let reads = 0;
      while (writing) {
        const [x, y, z] = await r.mget('{atom}:a', '{atom}:b', '{atom}:c');
        const h = await r.hget('{atom}:h', 'f');
        if (x !== y || y !== z) torn.push(`${x} ${y} ${z}`);
        void h;
        reads++;
      }
      return reads;
    };
    const readers = [read(readerA), read(readerB)];
    try {
      for (let i = 0; i < 150; i++) {
        const v = String(i);
        await a.multi().set('{atom}:a', v).set('{atom}:b', v).hset('{atom}:h', 'f', v).set('{atom}:c', v).exec();
      }
    } finally {
      writing = false;
    }
    const reads = await Promise.all(readers);
    readerA.disconnect();
    readerB.disconnect();
    expect(torn).toEqual([]);
    expect(reads.every((n) => n > 20)).toBe(true);
    await quiesce();
    expect(await b.mget('{atom}:a', '{atom}:b', '{atom}:c')).toEqual(['149', '149', '149']);
  });

  test.each([1, 2, 3])('seed %i: concurrent transactions in every region converge to one digest', async (seed) => {
    const rng = prng(seed);
    const prefix = `txseed${seed}`;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
    const randomCommand = (): string[] => {
      const k = `{${prefix}}:${pick(['a', 'b', 'c', 'd'])}`;
      const f = pick(['f', 'g']);
      return pick<() => string[]>([
        () => ['SET', k, pick(['x', '1', '2'])],
        () => ['INCRBY', k, pick(['1', '-2', '5'])],
        () => ['HSET', k, f, pick(['v', '3'])],
        () => ['HINCRBY', k, f, '2'],
        () => ['HDEL', k, f],
        () => ['SADD', k, f, 'm'],
        () => ['SREM', k, f],
        () => ['ZADD', k, pick(['1', '2.5']), f],
        () => ['ZINCRBY', k, '1', f],
        () => ['DEL', k],
        () => ['EXPIRE', k, '7200'],
        () => ['GET', k],
        () => ['EXISTS', k],
      ])();
    };
    let transactions = 0;
    for (let burst = 0; burst < 25; burst++) {
      await Promise.all(
        clients.map(async (c) => {
          const tx = c.multi();
          for (let i = 0, n = 2 + Math.floor(rng() * 4); i < n; i++) {
            const [cmd, ...args] = randomCommand();
            tx.call(cmd, ...args);
          }
          const replies = await tx.exec();
          expect(replies).toBeTruthy();
          // Only the workload's type clashes may fail (a runtime error of one command, the others ran).
          for (const [error] of replies!) if (error) expect(error.message).toMatch(/WRONGTYPE|not an integer/);
          transactions++;
        }),
      );
      if (rng() < 0.3) await sleep(Math.floor(rng() * 30));
    }
    expect(transactions).toBe(75);
    await quiesce();
    const digests = await Promise.all(clients.map((c) => digest(c, prefix)));
    expect(digests[0].keys).toBeGreaterThan(0);
    expect(digests[1].text).toBe(digests[0].text);
    expect(digests[2].text).toBe(digests[0].text);
  });
});
