/**
 * A dataset covering every data type the backup must carry (strings incl. binary and large values, hashes, lists,
 * sets, sorted sets, streams with a consumer group, keys with TTLs), written into a Redis Cluster by slot, and a
 * snapshot of a cluster's whole content (type, value, absolute expiry) to compare before and after.
 */
import { RespClient, RespError, text, type RespValue } from '../../src/emulator/resp';
import { keySlot } from '../../src/emulator/slots';

export interface ClusterShape {
  readonly shards: ReadonlyArray<{ readonly slots: readonly [number, number]; readonly primaryPort: number }>;
}

export interface KeySnapshot {
  readonly type: string;
  readonly value: unknown;
  /** Absolute expiry (Unix ms), -1 without a TTL. */
  readonly expireAt: number;
}

function primaryFor(cluster: ClusterShape, key: string): number {
  const slot = keySlot(key);
  return cluster.shards.find((s) => slot >= s.slots[0] && slot <= s.slots[1])!.primaryPort;
}

/** Sends commands, each to the primary owning its key (args[1]), pipelined per primary; fails on any error reply. */
export async function writeCommands(cluster: ClusterShape, commands: ReadonlyArray<ReadonlyArray<string | Buffer | number>>): Promise<void> {
  const clients = new Map<number, RespClient>();
  try {
    for (const shard of cluster.shards) clients.set(shard.primaryPort, await RespClient.connect(shard.primaryPort));
    const replies = await Promise.all(commands.map((c) => clients.get(primaryFor(cluster, String(c[1])))!.call(c, 20000)));
    replies.forEach((reply, i) => {
      if (reply instanceof RespError) throw new Error(`${commands[i].slice(0, 2).join(' ')}: ${reply.message}`);
    });
  } finally {
    for (const client of clients.values()) client.close();
  }
}

/** The dataset's commands; `bulk` plain string keys are added for volume. */
export function datasetCommands(bulk: number): Array<Array<string | Buffer | number>> {
  const now = Date.now();
  const commands: Array<Array<string | Buffer | number>> = [];
  for (let i = 0; i < 200; i++) commands.push(['SET', `str:${i}`, `value-${i}-${'x'.repeat(i % 50)}`]);
  commands.push(['SET', 'str:int', '12345']);
  commands.push(['SET', 'str:binary', Buffer.from(Array.from({ length: 256 }, (_, i) => i))]);
  commands.push(['SET', 'str:large', 'L'.repeat(200_000)]);
  for (let i = 0; i < 50; i++) commands.push(['HSET', `hash:${i}`, ...Array.from({ length: 20 }, (_, f) => [`f${f}`, `v${i}.${f}`]).flat()]);
  commands.push(['HSET', 'hash:large', ...Array.from({ length: 2000 }, (_, f) => [`field-${f}`, `value-${f}`]).flat()]);
  for (let i = 0; i < 50; i++) commands.push(['RPUSH', `list:${i}`, ...Array.from({ length: 30 }, (_, e) => `e${i}.${e}`)]);
  commands.push(['RPUSH', 'list:large', ...Array.from({ length: 5000 }, (_, e) => `element-${e}`)]);
  commands.push(['SADD', 'set:ints', ...Array.from({ length: 100 }, (_, e) => String(e * 7))]);
  for (let i = 0; i < 50; i++) commands.push(['SADD', `set:${i}`, ...Array.from({ length: 15 }, (_, e) => `m${i}.${e}`)]);
  commands.push(['SADD', 'set:large', ...Array.from({ length: 3000 }, (_, e) => `member-${e}`)]);
  for (let i = 0; i < 50; i++) commands.push(['ZADD', `zset:${i}`, ...Array.from({ length: 20 }, (_, e) => [String(e * 1.5 - 3), `z${i}.${e}`]).flat()]);
  commands.push(['ZADD', 'zset:large', ...Array.from({ length: 1000 }, (_, e) => [String((e * 37) % 1000) + '.25', `zm-${e}`]).flat()]);
  for (let i = 0; i < 10; i++) for (let e = 1; e <= 100; e++) commands.push(['XADD', `stream:${i}`, `${1700000000000 + e}-${i}`, 'n', String(e), 'who', `s${i}`]);
  for (let i = 0; i < 100; i++) commands.push(['SET', `ttl:str:${i}`, `expiring-${i}`, 'PXAT', now + 3_600_000 + i * 1000]);
  commands.push(['HSET', 'ttl:hash', 'a', '1', 'b', '2']);
  commands.push(['PEXPIREAT', 'ttl:hash', now + 7_200_000]);
  commands.push(['RPUSH', 'ttl:list', 'a', 'b']);
  commands.push(['PEXPIREAT', 'ttl:list', now + 600_000]);
  commands.push(['ZADD', '{tagged}ttl:zset', '1', 'one']);
  commands.push(['PEXPIREAT', '{tagged}ttl:zset', now + 86_400_000]);
  for (let i = 0; i < bulk; i++) commands.push(['SET', `bulk:${i}`, `bulk-value-${i}`]);
  return commands;
}

/** Writes the dataset (plus a consumer group with pending entries on stream:0); returns the number of keys. */
export async function writeDataset(cluster: ClusterShape, bulk: number): Promise<number> {
  const commands = datasetCommands(bulk);
  await writeCommands(cluster, commands);
  const client = await RespClient.connect(primaryFor(cluster, 'stream:0'));
  try {
    await client.strict(['XGROUP', 'CREATE', 'stream:0', 'readers', '0']);
    await client.strict(['XREADGROUP', 'GROUP', 'readers', 'alice', 'COUNT', '5', 'STREAMS', 'stream:0', '>']);
  } finally {
    client.close();
  }
  return new Set(commands.map((c) => String(c[1]))).size;
}

function decode(value: RespValue): unknown {
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(decode);
  if (value instanceof RespError) return { error: value.message };
  return value;
}

async function readValue(client: RespClient, key: Buffer, type: string): Promise<unknown> {
  switch (type) {
    case 'string':
      return decode(await client.strict(['GET', key]));
    case 'hash': {
      const flat = decode(await client.strict(['HGETALL', key])) as string[];
      return Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]).sort(([a], [b]) => a.localeCompare(b)));
    }
    case 'list':
      return decode(await client.strict(['LRANGE', key, 0, -1]));
    case 'set':
      return (decode(await client.strict(['SMEMBERS', key])) as string[]).sort();
    case 'zset':
      return decode(await client.strict(['ZRANGE', key, 0, -1, 'WITHSCORES']));
    case 'stream':
      return { entries: decode(await client.strict(['XRANGE', key, '-', '+'])), groups: decode(await client.strict(['XINFO', 'GROUPS', key])) };
    default:
      throw new Error(`unexpected type ${type} of ${key.toString()}`);
  }
}

/** Every key of the cluster (read from its primaries) with type, value and absolute expiry. */
export async function snapshot(cluster: ClusterShape): Promise<Map<string, KeySnapshot>> {
  const result = new Map<string, KeySnapshot>();
  for (const shard of cluster.shards) {
    const client = await RespClient.connect(shard.primaryPort);
    try {
      let cursor = '0';
      do {
        const [next, keys] = (await client.strict(['SCAN', cursor, 'COUNT', 1000])) as [Buffer, Buffer[]];
        cursor = text(next);
        // Pipelined: every key's TYPE, then every key's value and expiry.
        const types = (await Promise.all(keys.map((key) => client.strict(['TYPE', key])))).map(text);
        const values = await Promise.all(keys.map((key, i) => Promise.all([readValue(client, key, types[i]), client.strict(['PEXPIRETIME', key])])));
        keys.forEach((key, i) => result.set(key.toString('utf8'), { type: types[i], value: values[i][0], expireAt: Number(values[i][1]) }));
      } while (cursor !== '0');
    } finally {
      client.close();
    }
  }
  return result;
}

/** Keys across the cluster's primaries. */
export async function keyCount(cluster: ClusterShape): Promise<number> {
  let total = 0;
  for (const shard of cluster.shards) {
    const client = await RespClient.connect(shard.primaryPort);
    try {
      total += Number(await client.strict(['DBSIZE']));
    } finally {
      client.close();
    }
  }
  return total;
}
