/** Shared by the geo integration tests: waiting for a group to quiesce, and a canonical digest of a region's data. */
import { createHash } from 'crypto';
import type Redis from 'ioredis';
import { status } from '../../src/emulator/emulator';
import { sleep } from '../../src/emulator/processes';

/** Waits until no replicator has a change its peers have not acknowledged, nor a key not yet in Redis. */
export async function quiesceGeo(stateDir: string, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 2) {
    if (Date.now() > deadline) throw new Error(`geo group did not quiesce within ${timeoutMs} ms: ${JSON.stringify((await status(stateDir)).geo)}`);
    const [group] = (await status(stateDir)).geo;
    const reports = group.members.filter((m) => m.linked).map((m) => m.report);
    const idle = reports.every((r) => r !== undefined && r.unwrittenKeys === 0 && r.peers.every((p) => p.pendingKeys === 0));
    quiet = idle ? quiet + 1 : 0;
    await sleep(50);
  }
}

/** A canonical digest of every key under `{prefix}:`, read back from one region. */
export async function geoDigest(client: Redis, prefix: string): Promise<{ keys: number; sha: string; text: string }> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', `{${prefix}}:*`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  const lines: string[] = [];
  for (const key of [...new Set(keys)].sort()) {
    const type = await client.type(key);
    let value: unknown;
    if (type === 'string') value = await client.get(key);
    else if (type === 'hash') value = Object.entries(await client.hgetall(key)).sort();
    else if (type === 'set') value = (await client.smembers(key)).sort();
    else if (type === 'zset') value = await client.zrange(key, 0, -1, 'WITHSCORES');
    lines.push(JSON.stringify([key, type, value, await client.call('PEXPIRETIME', key)]));
  }
  const text = lines.join('\n');
  return { keys: lines.length, sha: createHash('sha1').update(text).digest('hex'), text };
}
