/**
 * Shapes a cache like the service (emulator.md "Shape"): nodes tagged with zones, shards with a primary and a replica
 * on different nodes (and zones when zone redundant), settings from the manifest. Pure: no processes, no ports.
 */
import type { TopologyCache } from '../topology/manifest';

export interface NodePlan {
  /** `n1`, `n2`, ... */
  readonly id: string;
  readonly zone: string;
}

export interface ShardPlan {
  readonly index: number;
  readonly slots: readonly [number, number];
  readonly primaryNode: string;
  /** undefined without high availability */
  readonly replicaNode?: string;
}

export interface CacheShape {
  readonly nodes: readonly NodePlan[];
  readonly shards: readonly ShardPlan[];
}

/**
 * Shards per cache, scaled down for a laptop from the service's per-SKU shard counts (which grow with size):
 * NoCluster 1; up to 6 GB 2; up to 24 GB 3; up to 240 GB 4; larger 6. `--shards N` overrides it.
 */
export function shardCountFor(sizeGb: number | null, clusteringPolicy: string | null): number {
  if (clusteringPolicy === 'NoCluster') return 1;
  const gb = sizeGb ?? 12;
  if (gb <= 6) return 2;
  if (gb <= 24) return 3;
  if (gb <= 240) return 4;
  return 6;
}

/** Nodes: one without HA; two with HA (one zone); three across zones 1-3 when zone redundant. */
export function nodesFor(cache: Pick<TopologyCache, 'highAvailability' | 'zones'>): NodePlan[] {
  if (cache.highAvailability === false) return [{ id: 'n1', zone: '1' }];
  if (cache.zones.length >= 3) return cache.zones.slice(0, 3).map((zone, i) => ({ id: `n${i + 1}`, zone }));
  return [
    { id: 'n1', zone: cache.zones[0] ?? '1' },
    { id: 'n2', zone: cache.zones[0] ?? '1' },
  ];
}

/** Places shard primaries round-robin over the nodes and each replica on the next node (another zone when there are zones). */
export function shapeCache(cache: Pick<TopologyCache, 'highAvailability' | 'zones' | 'sku' | 'clusteringPolicy'>, shardOverride?: number): CacheShape {
  const nodes = nodesFor(cache);
  const count = shardOverride ?? shardCountFor(cache.sku.sizeGb, cache.clusteringPolicy);
  const shards = Array.from({ length: count }, (_, index): ShardPlan => {
    const from = Math.floor((index * 16384) / count);
    const to = Math.floor(((index + 1) * 16384) / count) - 1;
    const primary = nodes[index % nodes.length];
    const replica = nodes.length > 1 ? nodes[(index + 1) % nodes.length] : undefined;
    return { index, slots: [from, to], primaryNode: primary.id, replicaNode: replica?.id };
  });
  return { nodes, shards };
}

const EVICTION: Record<string, string> = {
  AllKeysLFU: 'allkeys-lfu',
  AllKeysLRU: 'allkeys-lru',
  AllKeysRandom: 'allkeys-random',
  NoEviction: 'noeviction',
  VolatileLFU: 'volatile-lfu',
  VolatileLRU: 'volatile-lru',
  VolatileRandom: 'volatile-random',
  VolatileTTL: 'volatile-ttl',
};

/** Local memory per SKU GB: 8 MB (a 12 GB cache gets 96 MB, split over its shards). */
export const LOCAL_MB_PER_SKU_GB = 8;

/** redis.conf directives from the manifest's settings. */
export function redisSettings(cache: TopologyCache, shards: number): Record<string, string> {
  const settings: Record<string, string> = {
    'maxmemory-policy': EVICTION[cache.evictionPolicy ?? 'VolatileLRU'] ?? 'volatile-lru',
    maxmemory: `${Math.max(16, Math.round(((cache.sku.sizeGb ?? 12) * LOCAL_MB_PER_SKU_GB) / shards))}mb`,
  };
  if (cache.persistence?.aof) Object.assign(settings, { appendonly: 'yes', appendfsync: 'everysec' });
  if (cache.persistence?.rdb) settings.save = `${Number.parseInt(cache.persistence.rdb, 10) * 3600} 1`;
  return settings;
}

/** What the local target does not reproduce for this cache, in words (for status and the fidelity report). */
export function notEmulated(cache: TopologyCache): string[] {
  const gaps: string[] = [];
  for (const m of cache.modules ?? []) gaps.push(`module ${m.name}: not available in the local Redis 7.0, commands of it fail`);
  if (cache.clientProtocol === 'Encrypted') gaps.push("TLS: the endpoint's certificate comes from a local CA (trust <state>/tls/ca.pem), not a public one; the port is not 10000");
  if (cache.accessKeysAuthentication === false) gaps.push('Microsoft Entra ID: a local token stands in for Entra tokens (AUTH <token>)');
  if (cache.sku.tier === 'FlashOptimized') gaps.push('Flash Optimized: values stay in memory locally (no NVMe tier)');
  return gaps;
}
