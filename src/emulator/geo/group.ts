/**
 * Geo-replication groups in the running emulator: which caches form a group (and in which order), the replicators'
 * configuration, force-unlink, the group's status, and what the fidelity report says about geo-replication.
 */
import { randomBytes } from 'crypto';
import * as path from 'path';
import type { TopologyManifest } from '../../topology/manifest';
import { freePorts } from '../ports';
import { isAlive } from '../processes';
import { command } from '../resp';
import { logEvent, readState, writeState, type CacheState, type EmulatorState, type GeoGroupState } from '../state';
import { replicatorStatus, type ReplicatorConfig, type ReplicatorStatus } from './replicator';
import { writeSecretFile } from '../secure-files';

/** Default extra replication lag (ms) between regions (`--geo-lag-ms`). */
export const DEFAULT_GEO_LAG_MS = 20;

/**
 * Groups of caches sharing a geo-replication group name (two or more members), in the manifest's member order (the
 * linking cache first), and gives each member a replicator port and internal token.
 */
export async function planGeoGroups(manifest: TopologyManifest, caches: CacheState[], lagMs = DEFAULT_GEO_LAG_MS): Promise<GeoGroupState[]> {
  const groups: GeoGroupState[] = [];
  const names = [...new Set(caches.map((c) => c.geoReplicationGroupName).filter((g): g is string => g !== null))];
  for (const name of names) {
    const members = caches.filter((c) => c.geoReplicationGroupName === name);
    if (members.length < 2) continue;
    const declared = manifest.geoGroups.find((g) => g.groupName === name)?.members ?? [];
    const rank = (c: CacheState) => (declared.indexOf(c.address) < 0 ? declared.length + caches.indexOf(c) : declared.indexOf(c.address));
    members.sort((a, b) => rank(a) - rank(b));
    const ports = await freePorts(members.length);
    members.forEach((cache, index) => {
      cache.geo = { group: name, index, replicatorPort: ports[index], internalToken: randomBytes(16).toString('hex'), status: 'up' };
    });
    groups.push({ name, members: members.map((c) => c.name), unlinked: [], lagMs });
  }
  return groups;
}

/** The replicator configuration of a member: linked peers only (nobody, once the member itself is unlinked). */
export function replicatorConfig(state: EmulatorState, cache: CacheState): ReplicatorConfig {
  const geo = cache.geo!;
  const group = state.geoGroups!.find((g) => g.name === geo.group)!;
  const selfUnlinked = group.unlinked.includes(cache.name);
  const peers = selfUnlinked
    ? []
    : state.caches
        .filter((c) => c.geo?.group === geo.group && c !== cache && c.name !== cache.name && !group.unlinked.includes(c.name))
        .map((c) => ({ cache: c.name, index: c.geo!.index, port: c.geo!.replicatorPort }));
  return {
    listenPort: geo.replicatorPort,
    cache: cache.name,
    index: geo.index,
    peers,
    proxyPorts: cache.nodes.map((n) => n.proxyPort),
    internalToken: geo.internalToken,
    lagMs: group.lagMs,
    redisPorts: cache.redis.map((r) => r.port),
  };
}

/** Writes the member's replicator configuration file; returns its path. */
export function writeReplicatorConfig(state: EmulatorState, cache: CacheState): string {
  const file = path.join(state.stateDir, 'geo', `${cache.name}.json`);
  writeSecretFile(file, JSON.stringify({ ...replicatorConfig(state, cache), internalPassword: state.internalPassword }, null, 2));
  return file;
}

/** The cache name in a database resource id (`.../redisEnterprise/{name}/databases/default`), or the id itself. */
export function cacheNameOfId(id: string): string {
  return /\/redisEnterprise\/([^/]+)/i.exec(id)?.[1] ?? id;
}

/**
 * Force-unlink (issued on `cacheName`, naming the members to remove): the named members leave the group and stop
 * exchanging states with everyone; the others keep replicating among themselves. Recorded in the state, so that a
 * member restarted later starts unlinked, and told to every live replicator of the group.
 */
export async function forceUnlink(stateDir: string, cacheName: string, ids: readonly string[]): Promise<string[]> {
  const state = readState(stateDir);
  const cache = state?.caches.find((c) => c.name.toLowerCase() === cacheName.toLowerCase());
  const group = cache?.geo ? state!.geoGroups?.find((g) => g.name === cache.geo!.group) : undefined;
  if (!state || !cache || !group) throw new Error(`${cacheName} is not a member of a geo-replication group of several caches`);
  const names = ids.map((id) => {
    const name = cacheNameOfId(id);
    const member = group.members.find((m) => m.toLowerCase() === name.toLowerCase());
    if (!member) throw new Error(`'${id}' is not a member of geo-replication group ${group.name} (members: ${group.members.join(', ')})`);
    return member;
  });
  group.unlinked = [...new Set([...group.unlinked, ...names])];
  writeState(state);
  for (const member of state.caches.filter((c) => c.geo?.group === group.name)) {
    const pid = member.geo!.replicatorPid;
    if (pid === undefined || !isAlive(pid)) continue;
    try {
      await command(member.geo!.replicatorPort, ['GEO.UNLINK', ...names], 2000);
    } catch {
      // not answering (frozen): it reads the state when it restarts
    }
  }
  logEvent(stateDir, `force-unlink from ${cache.name}: ${names.join(', ')} left geo-replication group ${group.name}`);
  return names;
}

/** One member as `amr emulate status` shows it. */
export interface GeoMemberStatus {
  readonly cache: string;
  readonly region: string;
  readonly linked: boolean;
  readonly replicator: { readonly port: number; readonly pid: number | null; readonly alive: boolean };
  /** The replicator's own report (undefined when it does not answer). */
  readonly report?: ReplicatorStatus;
}

export interface GeoGroupStatus {
  readonly name: string;
  readonly lagMs: number;
  readonly members: readonly GeoMemberStatus[];
  /** Largest age of a change not yet acknowledged by a linked peer, over the group (ms); null if no replicator answered. */
  readonly behindMs: number | null;
}

/** Live status of every geo group: members, links, pending changes and measured lag. */
export async function geoStatus(state: EmulatorState): Promise<GeoGroupStatus[]> {
  const out: GeoGroupStatus[] = [];
  for (const group of state.geoGroups ?? []) {
    const members: GeoMemberStatus[] = [];
    for (const name of group.members) {
      const cache = state.caches.find((c) => c.name === name)!;
      const geo = cache.geo!;
      const alive = geo.replicatorPid !== undefined && isAlive(geo.replicatorPid) && geo.status === 'up';
      const report = alive ? await replicatorStatus(geo.replicatorPort) : undefined;
      members.push({ cache: name, region: cache.region, linked: !group.unlinked.includes(name), replicator: { port: geo.replicatorPort, pid: geo.replicatorPid ?? null, alive }, report });
    }
    const reports = members.map((m) => m.report).filter((r): r is ReplicatorStatus => r !== undefined);
    out.push({ name: group.name, lagMs: group.lagMs, members, behindMs: reports.length ? Math.max(0, ...reports.flatMap((r) => r.peers.map((p) => p.behindMs))) : null });
  }
  return out;
}

/** What the fidelity report says about active geo-replication. */
export const GEO_FIDELITY = {
  native: ['each region is a real Redis Cluster; reads are served by it unchanged'],
  emulated: [
    'active geo-replication: a replicator per region merges writes with CRDTs and ships key states to the other regions after --geo-lag-ms',
    'strings last-write-wins (hybrid logical clock, ties to the earlier group member)',
    'INCR/INCRBY/DECRBY/INCRBYFLOAT, HINCRBY/HINCRBYFLOAT and ZINCRBY as counters whose concurrent deltas add up (a SET resets the increments it observed)',
    'hash fields and sorted-set members add-wins with LWW values/scores; sets add-wins observed-remove; DEL/UNLINK remove what they observed',
    'expiry: among concurrent EXPIREs the longer TTL wins, PERSIST beats EXPIRE; concurrent writes of different types: the latest write decides the type',
    'region failure and rejoin (the region is rebuilt from the group), force-unlink (the named members stop exchanging)',
    'control-plane flush of a member flushes the whole group; an import into a member is replicated to every member',
    'MULTI/EXEC with merged writes: runs in the region\u2019s replicator as one unit (commands in order, nothing interleaved, reads answered from the CRDT see the transaction\u2019s own writes, a runtime error is one element of the reply, queue-time errors give EXECABORT, DISCARD); its keys are written into each region\u2019s Redis in one MULTI/EXEC per slot (a reader sees all of it or none) and shipped to the other regions together',
  ],
  notEmulated: [
    'in geo mode: lists, streams, scripts (EVAL/FCALL), RENAME/COPY/SETRANGE/bit and HyperLogLog commands and every other write without a merge rule are refused (and deleted from an import)',
    'in geo mode: WATCH (a change merged from another region could not trigger it), and in a MULTI with writes any read other than GET, MGET, STRLEN, EXISTS, TYPE, (P)TTL, (P)EXPIRETIME, HGET, HMGET, HGETALL, HKEYS, HVALS, HLEN, HEXISTS, HSTRLEN, SMEMBERS, S(M)ISMEMBER, SCARD, ZSCORE, ZMSCORE, ZCARD, ZRANGE <start> <stop> [WITHSCORES], PING, ECHO, TIME are refused',
    'the service\u2019s exact timestamps and its replication topology (the emulator ships full key states over loopback)',
    'tombstones of removed keys are kept until the emulator stops (one number per region and key)',
  ],
} as const;
