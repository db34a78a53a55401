/**
 * The ARM resources of an emulated cache, shaped as the service answers `GET .../Microsoft.Cache/redisEnterprise/{name}`
 * and `.../databases/default` (API 2025-07-01): SKU, high availability, the read-only `redundancyMode` the nodes really
 * give (ZR across three zones, LR in one, None without HA), and the database settings with its geo-replication links.
 * The control plane serves these; `amr verify` reads them the same way from Azure.
 */
import type { TopologyCache } from '../topology/manifest';
import type { CacheState, GeoGroupState, ServiceSettings } from './state';

/** The settings of a manifest cache that its ARM resource shows. */
export function serviceSettings(cache: TopologyCache): ServiceSettings {
  return {
    skuName: cache.sku.name,
    highAvailability: cache.highAvailability,
    publicNetworkAccess: cache.publicNetworkAccess,
    clientProtocol: cache.clientProtocol,
    evictionPolicy: cache.evictionPolicy,
    accessKeysAuthentication: cache.accessKeysAuthentication,
    modules: cache.modules,
    persistence: cache.persistence,
  };
}

/** None without HA, ZR when the nodes span three zones or more, else LR (HA in one zone). */
export function redundancyModeOf(cache: Pick<CacheState, 'nodes'>, highAvailability: boolean | null): 'None' | 'LR' | 'ZR' {
  const nodes = cache.nodes ?? []; // a hand-written state may list none
  if (highAvailability === false || nodes.length < 2) return 'None';
  return new Set(nodes.map((n) => n.zone)).size >= 3 ? 'ZR' : 'LR';
}

const enabled = (value: boolean | null | undefined) => (value === null || value === undefined ? undefined : value ? 'Enabled' : 'Disabled');

/** The properties of the cluster and database resources (ids, names and types are the control plane's). */
export function armProperties(
  cache: CacheState,
  clusterId: string,
  geoGroups: readonly GeoGroupState[] = [],
): { readonly cluster: Record<string, unknown>; readonly database: Record<string, unknown> } {
  const s = cache.service;
  const zones = [...new Set((cache.nodes ?? []).map((n) => n.zone))].sort();
  const cluster = {
    sku: s?.skuName ? { name: s.skuName } : undefined,
    zones: zones.length > 1 ? zones : undefined,
    properties: {
      highAvailability: enabled(s?.highAvailability ?? true),
      redundancyMode: redundancyModeOf(cache, s?.highAvailability ?? true),
      minimumTlsVersion: '1.2',
      publicNetworkAccess: s?.publicNetworkAccess ?? undefined,
      hostName: `${cache.name}.${cache.region}.redis.azure.net`,
    },
  };
  const group = cache.geo ? geoGroups.find((g) => g.name === cache.geo!.group) : undefined;
  const prefix = clusterId.replace(/[^/]+$/, '');
  const database = {
    properties: {
      clientProtocol: s?.clientProtocol ?? undefined,
      port: 10000,
      clusteringPolicy: cache.clusteringPolicy,
      evictionPolicy: s?.evictionPolicy ?? undefined,
      accessKeysAuthentication: enabled(s?.accessKeysAuthentication),
      modules: (s?.modules ?? []).map((m) => ({ name: m.name, args: m.args ?? '' })),
      persistence: {
        aofEnabled: Boolean(s?.persistence?.aof),
        rdbEnabled: Boolean(s?.persistence?.rdb),
        ...(s?.persistence?.aof ? { aofFrequency: s.persistence.aof } : {}),
        ...(s?.persistence?.rdb ? { rdbFrequency: s.persistence.rdb } : {}),
      },
      geoReplication: group
        ? {
            groupNickname: cache.geoReplicationGroupName ?? group.name,
            // A force-unlinked database leaves the list; an unlinked cache sees only itself.
            linkedDatabases: (group.unlinked.includes(cache.name) ? [cache.name] : group.members.filter((m) => !group.unlinked.includes(m))).map((member) => ({
              id: `${prefix}${member}/databases/default`,
              state: 'Linked',
            })),
          }
        : cache.geoReplicationGroupName
          ? { groupNickname: cache.geoReplicationGroupName, linkedDatabases: [{ id: `${clusterId}/databases/default`, state: 'Linked' }] }
          : undefined,
    },
  };
  return { cluster, database };
}
