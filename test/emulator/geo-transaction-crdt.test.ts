/**
 * Transactions on the geo-replication CRDT (GeoReplica.applyTransaction, geoQueueError): the queued commands run in
 * order, reads see the transaction's own writes, a runtime error is one element of the reply and does not stop the
 * others; replies are checked against a real redis-server running the same MULTI/EXEC. Queue-time errors, EXECABORT
 * and DISCARD through the proxy are in geo-transaction.test.ts.
 */
import { GEO_TRANSACTION_READS, GEO_WRITE_COMMANDS, GeoReplica, geoQueueError } from '../../src/emulator/geo/crdt';
import { RespClient, RespError, type RespValue } from '../../src/emulator/resp';
import { startTestCluster, type TestCluster } from '../support/cluster';

/** Replies as comparable values: bulk strings as latin1 text, errors as `-message`. */
function plain(v: RespValue): unknown {
  if (v instanceof RespError) return `-${v.message}`;
  if (Buffer.isBuffer(v)) return v.toString('latin1');
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

/** Commands whose reply order Redis does not define (compared sorted). */
const UNORDERED = new Set(['smembers', 'hkeys', 'hvals']);

function normalize(commands: string[][], replies: unknown[]): unknown[] {
  return replies.map((r, i) => {
    const name = commands[i][0].toLowerCase();
    if (UNORDERED.has(name) && Array.isArray(r)) return [...r].sort();
    if (name === 'hgetall' && Array.isArray(r)) {
      const pairs: string[] = [];
      for (let j = 0; j < r.length; j += 2) pairs.push(`${r[j]}=${r[j + 1]}`);
      return pairs.sort();
    }
    return r;
  });
}

describe('geo transactions on the CRDT', () => {
  let cluster: TestCluster;
  let client: RespClient;

  beforeAll(async () => {
    cluster = await startTestCluster(1, 0);
    client = await RespClient.connect(cluster.ports[0]);
  });

  afterAll(async () => {
    client?.close();
    await cluster?.stop();
  });

  /** The same transaction on a real redis-server: MULTI, the commands, EXEC; EXEC's reply. */
  const real = async (commands: string[][]): Promise<unknown[]> => {
    const replies = await Promise.all([['MULTI'], ...commands, ['EXEC']].map((c) => client.call(c)));
    return plain(replies[replies.length - 1]) as unknown[];
  };

  test('commands run in order, reads see the earlier writes, runtime errors do not stop the others: as Redis replies', async () => {
    const commands = [
      ['HSET', '{t}:h', 'f', '1', 'g', 'x'],
      ['HINCRBY', '{t}:h', 'f', '41'],
      ['HGET', '{t}:h', 'f'],
      ['HINCRBY', '{t}:h', 'g', '1'], // runtime error: the others still run
      ['INCRBY', '{t}:n', '5'],
      ['INCRBYFLOAT', '{t}:n', '0.5'],
      ['GET', '{t}:n'],
      ['SADD', '{t}:s', 'a', 'b', 'a'],
      ['SREM', '{t}:s', 'b'],
      ['SMEMBERS', '{t}:s'],
      ['SISMEMBER', '{t}:s', 'a'],
      ['SMISMEMBER', '{t}:s', 'a', 'b'],
      ['SCARD', '{t}:s'],
      ['GET', '{t}:s'], // WRONGTYPE
      ['ZADD', '{t}:z', '2', 'b', '1', 'a', '2', 'c'],
      ['ZINCRBY', '{t}:z', '1.5', 'a'],
      ['ZSCORE', '{t}:z', 'a'],
      ['ZMSCORE', '{t}:z', 'a', 'missing'],
      ['ZRANGE', '{t}:z', '0', '-1', 'WITHSCORES'],
      ['ZRANGE', '{t}:z', '1', '1'],
      ['ZCARD', '{t}:z'],
      ['SET', '{t}:k', 'v', 'EX', '100'],
      ['TTL', '{t}:k'],
      ['PTTL', '{t}:missing'],
      ['PERSIST', '{t}:k'],
      ['TTL', '{t}:k'],
      ['APPEND', '{t}:k', 'w'],
      ['STRLEN', '{t}:k'],
      ['MGET', '{t}:k', '{t}:h', '{t}:missing'],
      ['EXISTS', '{t}:k', '{t}:k', '{t}:missing'],
      ['TYPE', '{t}:z'],
      ['TYPE', '{t}:missing'],
      ['HMGET', '{t}:h', 'f', 'nope'],
      ['HGETALL', '{t}:h'],
      ['HKEYS', '{t}:h'],
      ['HVALS', '{t}:h'],
      ['HLEN', '{t}:h'],
      ['HEXISTS', '{t}:h', 'g'],
      ['HSTRLEN', '{t}:h', 'f'],
      ['DEL', '{t}:k'],
      ['GET', '{t}:k'],
      ['EXPIRE', '{t}:h', '50'],
      ['TTL', '{t}:h'],
      ['ECHO', 'hi'],
      ['PING'],
    ];
    for (const c of commands) expect(GEO_WRITE_COMMANDS.has(c[0].toLowerCase()) || GEO_TRANSACTION_READS.has(c[0].toLowerCase())).toBe(true);
    const a = new GeoReplica(0);
    const { reply, changedKeys } = a.applyTransaction(commands);
    const expected = await real(commands);
    expect(expected).toHaveLength(commands.length);
    expect(normalize(commands, plain(reply) as unknown[])).toEqual(normalize(commands, expected));
    expect(changedKeys.sort()).toEqual(['{t}:h', '{t}:k', '{t}:n', '{t}:s', '{t}:z']);
    // Status replies stay status replies (the replicator encodes them as simple strings inside EXEC's array).
    expect(reply[0]).toBe(2);
    expect(reply[commands.findIndex((c) => c[0] === 'TYPE')]).toBe('zset');
  });

  test('a transaction reaches another region as a whole: the changed key states merge there', () => {
    const a = new GeoReplica(0);
    const b = new GeoReplica(1);
    b.apply(['INCRBY', 'n', '10']);
    a.merge(b.states());
    const { reply, changedKeys } = a.applyTransaction([['INCRBY', 'n', '1'], ['SET', 's', 'x'], ['HSET', 'h', 'f', 'v']]);
    expect(reply).toEqual([11, 'OK', 1]);
    b.apply(['INCRBY', 'n', '100']); // concurrent with the transaction
    b.merge(a.states(changedKeys));
    a.merge(b.states());
    for (const r of [a, b]) {
      expect(r.view('n')?.fields.get('')).toBe('111');
      expect(r.view('s')?.fields.get('')).toBe('x');
      expect(r.view('h')?.fields.get('f')).toBe('v');
    }
  });

  test('TTL reads follow the clock; an expired key reads as absent', () => {
    let now = 1_700_000_000_000;
    const a = new GeoReplica(0, { nowMs: () => now });
    expect(a.applyTransaction([['SET', 'k', 'v', 'PX', '1500'], ['PTTL', 'k'], ['TTL', 'k'], ['PEXPIRETIME', 'k'], ['EXPIRETIME', 'k']]).reply).toEqual(['OK', 1500, 2, now + 1500, Math.floor((now + 1500 + 500) / 1000)]);
    now += 1500;
    expect(a.applyTransaction([['GET', 'k'], ['TTL', 'k'], ['EXISTS', 'k']]).reply).toEqual([null, -2, 0]);
  });

  test('queue-time errors: wrong arity as Redis words it; reads the CRDT cannot answer are refused', () => {
    expect(geoQueueError(['SET', 'k'])).toBe("ERR wrong number of arguments for 'set' command");
    expect(geoQueueError(['hget', 'k'])).toBe("ERR wrong number of arguments for 'hget' command");
    expect(geoQueueError(['TIME', 'x'])).toBe("ERR wrong number of arguments for 'time' command");
    expect(geoQueueError(['SET', 'k', 'v', 'EX', '1'])).toBeUndefined();
    expect(geoQueueError(['MGET', 'a'])).toBeUndefined();
    const a = new GeoReplica(0);
    expect(a.applyTransaction([['ZRANGE', 'z', '0', '-1', 'REV']]).reply[0]).toEqual(new RespError('ERR ZRANGE inside a transaction on a geo-replicated cache supports only <start> <stop> [WITHSCORES] in the emulator; see the fidelity report'));
    expect(a.applyTransaction([['LRANGE', 'l', '0', '-1']]).reply[0]).toEqual(new RespError('ERR LRANGE is not supported on a geo-replicated cache by the emulator (cannot be merged conflict-free); see the fidelity report'));
  });
});
