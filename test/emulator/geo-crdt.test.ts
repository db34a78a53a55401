/**
 * The geo-replication CRDT (src/emulator/geo/crdt.ts): one test per merge rule, and the property that matters:
 * whatever the interleaving, duplication and delay of the states regions exchange, every region ends identical.
 */
import fc from 'fast-check';
import { digestOf, GEO_WRITE_COMMANDS, GeoReplica, materializeKey, type KeyState } from '../../src/emulator/geo/crdt';
import { command as redisCommand, RespError, text } from '../../src/emulator/resp';
import { startTestCluster } from '../support/cluster';

/** Regions on a shared fake clock (each with its own skew, so clocks disagree as real ones do). */
function group(count: number, skews: number[] = []) {
  const clock = { now: 1_700_000_000_000 };
  const regions = Array.from({ length: count }, (_, r) => new GeoReplica(r, { nowMs: () => clock.now + (skews[r] ?? 0), random: () => 0 }));
  return { clock, regions };
}

/** Ships every key state of `from` to `to`. */
function sync(from: GeoReplica, to: GeoReplica): void {
  to.merge(from.states());
}

function syncAll(regions: GeoReplica[]): void {
  for (const a of regions) for (const b of regions) if (a !== b) sync(a, b);
}

const reply = (r: GeoReplica, ...args: string[]) => {
  const out = r.apply(args).reply;
  return Buffer.isBuffer(out) ? out.toString('latin1') : out;
};
const value = (r: GeoReplica, key: string, field = '') => r.view(key)?.fields.get(field);

describe('merge rules', () => {
  test('strings: last write wins on the timestamp', () => {
    const { clock, regions: [a, b] } = group(2);
    reply(a, 'SET', 'k', 'from-a');
    clock.now += 5;
    reply(b, 'SET', 'k', 'from-b');
    syncAll([a, b]);
    expect(value(a, 'k')).toBe('from-b');
    expect(value(b, 'k')).toBe('from-b');
  });

  test('strings: equal timestamps go to the earlier member of the group', () => {
    const { regions: [a, b] } = group(2);
    reply(b, 'SET', 'k', 'from-b');
    reply(a, 'SET', 'k', 'from-a');
    syncAll([a, b]);
    expect(value(b, 'k')).toBe('from-a');
  });

  test('counters: concurrent increments add up; a SET resets what it observed, not what it did not', () => {
    const { clock, regions: [a, b, c] } = group(3);
    reply(a, 'SET', 'n', '10');
    syncAll([a, b, c]);
    expect(reply(a, 'INCRBY', 'n', '5')).toBe(15);
    expect(reply(b, 'INCRBY', 'n', '3')).toBe(13);
    expect(reply(c, 'DECR', 'n')).toBe(9);
    syncAll([a, b, c]);
    expect([a, b, c].map((r) => value(r, 'n'))).toEqual(['17', '17', '17']);
    clock.now += 1;
    reply(a, 'SET', 'n', '100'); // observed every increment so far
    reply(b, 'INCRBY', 'n', '2'); // concurrent with the SET
    syncAll([a, b, c]);
    expect([a, b, c].map((r) => value(r, 'n'))).toEqual(['102', '102', '102']);
    expect(reply(c, 'INCRBYFLOAT', 'n', '0.5')).toBe('102.5');
  });

  test('float counters reply as Redis 7.0 does (long double, 17 digits trimmed), checked against a real redis-server', async () => {
    const cluster = await startTestCluster(1, 0);
    const real = async (...args: string[]) => text(await redisCommand(cluster.ports[0], args));
    try {
      const { regions: [a, b] } = group(2);
      for (const delta of ['0.1', '0.2', '-0.3', '10.50', '-12.125', '3']) {
        expect(reply(a, 'INCRBYFLOAT', 'f', delta)).toBe(await real('INCRBYFLOAT', 'f', delta));
      }
      // Concurrent float increments in two regions add up exactly, as one real server adds them in sequence.
      expect(reply(a, 'HINCRBYFLOAT', 'h', 'x', '0.7')).toBe(await real('HINCRBYFLOAT', 'h', 'x', '0.7'));
      reply(b, 'HINCRBYFLOAT', 'h', 'x', '0.6');
      syncAll([a, b]);
      const sequential = await real('HINCRBYFLOAT', 'h', 'x', '0.6');
      expect(sequential).toBe('1.3');
      expect([value(a, 'h', 'x'), value(b, 'h', 'x')]).toEqual([sequential, sequential]);
    } finally {
      await cluster.stop();
    }
  });

  test('counters: DEL removes the increments it observed; a concurrent increment survives', () => {
    const { regions: [a, b] } = group(2);
    reply(a, 'INCRBY', 'n', '4');
    syncAll([a, b]);
    reply(b, 'DEL', 'n');
    reply(a, 'INCR', 'n');
    syncAll([a, b]);
    expect([value(a, 'n'), value(b, 'n')]).toEqual(['1', '1']);
  });

  test('sets: add wins over a concurrent remove', () => {
    const { regions: [a, b] } = group(2);
    reply(a, 'SADD', 's', 'm', 'n');
    syncAll([a, b]);
    reply(a, 'SADD', 's', 'm'); // re-add...
    reply(b, 'SREM', 's', 'm', 'n'); // ...concurrent with a remove
    syncAll([a, b]);
    expect([...a.view('s')!.fields.keys()]).toEqual(['m']);
    expect(digestOf(a)).toBe(digestOf(b));
  });

  test('hashes: fields add-wins with LWW values, HINCRBY as a counter', () => {
    const { clock, regions: [a, b] } = group(2);
    reply(a, 'HSET', 'h', 'f', '1', 'g', '1', 'n', '10');
    syncAll([a, b]);
    reply(a, 'HSET', 'h', 'f', '2');
    reply(b, 'HDEL', 'h', 'f', 'g');
    clock.now += 1;
    reply(b, 'HSET', 'h', 'x', 'b');
    reply(a, 'HINCRBY', 'h', 'n', '1');
    reply(b, 'HINCRBY', 'h', 'n', '2');
    syncAll([a, b]);
    expect(Object.fromEntries(a.view('h')!.fields)).toEqual({ f: '2', n: '13', x: 'b' });
    expect(digestOf(a)).toBe(digestOf(b));
  });

  test('sorted sets: scores LWW per member, ZINCRBY adds up, membership add-wins', () => {
    const { clock, regions: [a, b] } = group(2);
    reply(a, 'ZADD', 'z', '1', 'm', '5', 'n');
    syncAll([a, b]);
    reply(a, 'ZINCRBY', 'z', '2', 'm');
    reply(b, 'ZINCRBY', 'z', '0.5', 'm');
    reply(a, 'ZADD', 'z', '7', 'n');
    clock.now += 1;
    reply(b, 'ZADD', 'z', '9', 'n');
    syncAll([a, b]);
    expect(Object.fromEntries(b.view('z')!.fields)).toEqual({ m: '3.5', n: '9' });
    expect(reply(a, 'ZPOPMIN', 'z')).toEqual([Buffer.from('m'), Buffer.from('3.5')].map((x) => x));
  });

  test('DEL removes what it observed: a concurrent write to the key survives', () => {
    const { regions: [a, b] } = group(2);
    reply(a, 'HSET', 'h', 'f1', 'v');
    syncAll([a, b]);
    reply(a, 'DEL', 'h');
    reply(b, 'HSET', 'h', 'f2', 'v');
    syncAll([a, b]);
    expect([...a.view('h')!.fields.keys()]).toEqual(['f2']);
  });

  test('expiry: the longer TTL wins among concurrent EXPIREs, PERSIST beats EXPIRE, SET clears it', () => {
    const { clock, regions: [a, b] } = group(2);
    reply(a, 'SET', 'k', 'v');
    reply(a, 'SET', 'p', 'v', 'EX', '10');
    syncAll([a, b]);
    reply(a, 'EXPIRE', 'k', '200');
    reply(b, 'EXPIRE', 'k', '100');
    reply(a, 'PERSIST', 'p');
    reply(b, 'EXPIRE', 'p', '300');
    syncAll([a, b]);
    expect(b.view('k')!.expireAt).toBe(clock.now + 200_000);
    expect(b.view('p')!.expireAt).toBeNull();
    reply(b, 'SET', 'k', 'w');
    syncAll([a, b]);
    expect(a.view('k')!.expireAt).toBeNull();
    clock.now += 1_000_000;
    expect(reply(a, 'GETDEL', 'k')).toBe('w');
  });

  test('concurrent writes of different types: the latest write decides the type', () => {
    const { clock, regions: [a, b] } = group(2);
    reply(a, 'SET', 'k', 'v');
    clock.now += 1;
    reply(b, 'SADD', 'k', 'm');
    syncAll([a, b]);
    expect(a.view('k')!.type).toBe('set');
    expect(reply(a, 'GETDEL', 'k')).toEqual(new RespError('WRONGTYPE Operation against a key holding the wrong kind of value'));
    expect(materializeKey('k', a.keyState('k'))).toEqual([['MULTI'], ['DEL', 'k'], ['SADD', 'k', 'm'], ['EXEC']]);
  });

  test('commands that cannot be merged are refused with a clear error', () => {
    const { regions: [a] } = group(1);
    expect(a.apply(['LPUSH', 'l', 'x']).reply).toEqual(new RespError('ERR LPUSH is not supported on a geo-replicated cache by the emulator (cannot be merged conflict-free); see the fidelity report'));
    for (const name of ['lpush', 'rpush', 'xadd', 'eval', 'rename', 'setrange', 'pfadd']) expect(GEO_WRITE_COMMANDS.has(name)).toBe(false);
    expect(a.apply(['INCR', 'x']).changedKeys).toEqual(['x']);
    expect(a.apply(['SET', 'x', 'y', 'NX']).changedKeys).toEqual([]);
  });

  test('local replies follow Redis', () => {
    const { regions: [a] } = group(1);
    expect(reply(a, 'SET', 'k', 'v', 'GET')).toBeNull();
    expect(reply(a, 'SET', 'k', 'w', 'NX')).toBeNull();
    expect(reply(a, 'GETSET', 'k', 'x')).toBe('v');
    expect(reply(a, 'APPEND', 'k', 'yz')).toBe(3);
    expect(reply(a, 'INCR', 'k')).toEqual(new RespError('ERR value is not an integer or out of range'));
    expect(reply(a, 'HSET', 'k', 'f', 'v')).toEqual(new RespError('WRONGTYPE Operation against a key holding the wrong kind of value'));
    expect(reply(a, 'SADD', 's', 'a', 'b', 'a')).toBe(2);
    expect(reply(a, 'SMOVE', 's', 't', 'a')).toBe(1);
    expect(reply(a, 'ZADD', 'z', 'CH', '1', 'm', '2', 'n')).toBe(2);
    expect(reply(a, 'ZADD', 'z', 'INCR', '2', 'm')).toBe('3');
    expect(reply(a, 'DEL', 'k', 's', 'missing')).toBe(2);
    expect(reply(a, 'MSETNX', 'a', '1', 'z', '2')).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The convergence property
// ---------------------------------------------------------------------------------------------------------------

const KEYS = ['k1', 'k2', 'k3'];
const key = fc.constantFrom(...KEYS);
const field = fc.constantFrom('a', 'b', 'c');
const val = fc.constantFrom('x', 'y', '1', '2', '-3', '1.5');
const delta = fc.constantFrom('1', '2', '-1', '7');

const command: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(key, val).map(([k, v]) => ['SET', k, v]),
  fc.tuple(key, val).map(([k, v]) => ['SET', k, v, 'EX', '1000']),
  fc.tuple(key, val).map(([k, v]) => ['SET', k, v, 'KEEPTTL']),
  fc.tuple(key, val).map(([k, v]) => ['SET', k, v, 'NX']),
  fc.tuple(key, val, key).map(([k, v, k2]) => ['MSET', k, v, k2, v]),
  fc.tuple(key, val).map(([k, v]) => ['APPEND', k, v]),
  fc.tuple(key, delta).map(([k, d]) => ['INCRBY', k, d]),
  key.map((k) => ['INCR', k]),
  key.map((k) => ['DECR', k]),
  key.map((k) => ['INCRBYFLOAT', k, '0.25']),
  key.map((k) => ['GETDEL', k]),
  fc.tuple(key, field, val).map(([k, f, v]) => ['HSET', k, f, v]),
  fc.tuple(key, field, val).map(([k, f, v]) => ['HSETNX', k, f, v]),
  fc.tuple(key, field).map(([k, f]) => ['HDEL', k, f]),
  fc.tuple(key, field, delta).map(([k, f, d]) => ['HINCRBY', k, f, d]),
  fc.tuple(key, field).map(([k, f]) => ['HINCRBYFLOAT', k, f, '1.5']),
  fc.tuple(key, field, field).map(([k, m, n]) => ['SADD', k, m, n]),
  fc.tuple(key, field).map(([k, m]) => ['SREM', k, m]),
  key.map((k) => ['SPOP', k]),
  fc.tuple(key, key, field).map(([k, k2, m]) => ['SMOVE', k, k2, m]),
  fc.tuple(key, delta, field).map(([k, s, m]) => ['ZADD', k, s, m]),
  fc.tuple(key, delta, field).map(([k, s, m]) => ['ZADD', k, 'GT', 'CH', s, m]),
  fc.tuple(key, delta, field).map(([k, s, m]) => ['ZINCRBY', k, s, m]),
  fc.tuple(key, field).map(([k, m]) => ['ZREM', k, m]),
  key.map((k) => ['ZPOPMAX', k]),
  fc.tuple(key, key).map(([k, k2]) => ['DEL', k, k2]),
  key.map((k) => ['UNLINK', k]),
  key.map((k) => ['EXPIRE', k, '500']),
  key.map((k) => ['PEXPIRE', k, '900000']),
  key.map((k) => ['EXPIRE', k, '800', 'GT']),
  key.map((k) => ['PERSIST', k]),
);

type Step =
  | { kind: 'write'; region: number; args: string[]; advanceMs: number }
  | { kind: 'deliver'; pick: number; keep: boolean }
  /** The region's replicator restarts: its memory is gone, it pulls every peer's state (rejoin and catch-up). */
  | { kind: 'restart'; region: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('write' as const), region: fc.nat(), args: command, advanceMs: fc.constantFrom(0, 0, 1, 2) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat(), keep: fc.boolean() }) },
);
const stepWithRestarts: fc.Arbitrary<Step> = fc.oneof({ weight: 30, arbitrary: step }, { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), region: fc.nat() }) });

interface Message {
  readonly from: number;
  readonly to: number;
  readonly states: Record<string, KeyState>;
}

/** Runs the steps; every change is shipped to every other region, as the replicators do (merged changes too). */
function simulate(count: number, skews: number[], steps: Step[]): GeoReplica[] {
  const { clock, regions } = group(count, skews);
  const queue: Message[] = [];
  const ship = (from: number, keys: string[]) => {
    if (keys.length === 0) return;
    for (let to = 0; to < count; to++) if (to !== from) queue.push({ from, to, states: regions[from].states(keys) });
  };
  const deliver = (index: number, keep: boolean) => {
    const message = queue[index];
    if (!keep) queue.splice(index, 1);
    // A merged change goes on to every peer, the sender included: the sender may have restarted since it sent it.
    ship(message.to, regions[message.to].merge(message.states));
  };
  for (const s of steps) {
    if (s.kind === 'write') {
      clock.now += s.advanceMs;
      const region = s.region % count;
      ship(region, regions[region].apply(s.args).changedKeys);
    } else if (s.kind === 'restart') {
      const region = s.region % count;
      clock.now += 1000; // a restart takes time: the new clock starts past every timestamp it issued before
      regions[region] = new GeoReplica(region, { nowMs: () => clock.now + (skews[region] ?? 0), random: () => 0 });
      for (let peer = 0; peer < count; peer++) if (peer !== region) regions[region].merge(regions[peer].states());
    } else if (queue.length > 0) {
      deliver(s.pick % queue.length, s.keep);
    }
  }
  while (queue.length > 0) deliver(0, false);
  return regions;
}

describe('convergence', () => {
  test('random writes at 2-5 regions, delivered in any order with duplicates and delays (and regions restarting), converge to one digest', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 5, maxLength: 5 }),
        fc.array(stepWithRestarts, { minLength: 1, maxLength: 120 }),
        (count, skews, steps) => {
          const regions = simulate(count, skews, steps);
          const digests = regions.map(digestOf);
          for (const d of digests) expect(d).toBe(digests[0]);
          for (const k of KEYS) {
            const commands = JSON.stringify(regions[0].materialize(k));
            for (const r of regions) expect(JSON.stringify(r.materialize(k))).toBe(commands);
          }
        },
      ),
      { numRuns: Number(process.env.GEO_PROPERTY_RUNS ?? 300) },
    );
  });

  test('merge is idempotent and commutative on the states regions produce', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
        // Two regions write independently (with one exchange halfway), so their states are concurrent.
        const { clock, regions: [a, b] } = group(2, [0, 1]);
        steps.forEach((s, i) => {
          if (i === Math.floor(steps.length / 2)) syncAll([a, b]);
          if (s.kind !== 'write') return;
          clock.now += s.advanceMs;
          (s.region % 2 === 0 ? a : b).apply(s.args);
        });
        const ab = new GeoReplica(0);
        ab.merge(a.states());
        ab.merge(b.states());
        const ba = new GeoReplica(1);
        ba.merge(b.states());
        ba.merge(a.states());
        expect(ab.merge(a.states())).toEqual([]);
        expect(ab.merge(ba.states())).toEqual([]);
        expect(digestOf(ab)).toBe(digestOf(ba));
      }),
      { numRuns: 200 },
    );
  });
});
