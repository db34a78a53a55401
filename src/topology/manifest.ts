/**
 * The local target's manifest, `amr.topology.json`: a versioned description of every cache in a synthesized stack,
 * written beside `cdk.tf.json` so that `amr emulate` can start the same topology on one machine. Built from the
 * synthesized Terraform (not from construct props), so raw `azurerm_managed_redis` resources are described too.
 * Values not known until apply are `null` and listed under `unknown`.
 */
import { hasScheduledExport } from '../rules/backup/common';
import { GEO_REPLICATION, MANAGED_REDIS, PRIVATE_ENDPOINT, resourcesReferring } from '../rules/cache/common';
import { findSku, type SkuTier } from '../rules/data/skus';
import { normalizeRegion, zoneSupport, type RegionOverrides, type ZoneSupport } from '../rules/data/regions';
import { PROVIDER_DEFAULTS } from '../rules/data/values';
import { profileFor } from '../rules/engine';
import { groupMembers } from '../rules/geo/common';
import { estimateReliability, type ReliabilityEstimate } from './reliability';
import { attr, attrOr, blocks, knownValue, referencedAddresses, type StackView, type TerraformResource } from '../rules/terraform';
import type { Profile } from '../rules/types';

export const TOPOLOGY_MANIFEST_FILE = 'amr.topology.json';
export const TOPOLOGY_SCHEMA_VERSION = 1;

export interface TopologyCache {
  /** Terraform address, e.g. `azurerm_managed_redis.orders_cache_1A2B3C`. */
  readonly address: string;
  readonly constructPath: string | null;
  readonly name: string | null;
  readonly profile: Profile;
  /** Normalised region, e.g. `westeurope`. */
  readonly region: string | null;
  readonly zoneSupport: ZoneSupport;
  readonly sku: { readonly name: string | null; readonly tier: SkuTier | null; readonly sizeGb: number | null };
  readonly highAvailability: boolean | null;
  /** Zones the emulator spreads nodes over: ['1','2','3'] when zone redundant, else ['1']. */
  readonly zones: readonly string[];
  readonly clusteringPolicy: string | null;
  readonly evictionPolicy: string | null;
  readonly modules: ReadonlyArray<{ readonly name: string; readonly args: string | null }> | null;
  readonly persistence: { readonly aof: string | null; readonly rdb: string | null } | null;
  readonly clientProtocol: string | null;
  readonly accessKeysAuthentication: boolean | null;
  readonly publicNetworkAccess: string | null;
  readonly privateEndpoint: boolean;
  readonly geoReplicationGroupName: string | null;
  readonly scheduledExport: boolean;
  readonly reliability: ReliabilityEstimate | null;
  /** Attributes whose values are not known until apply. */
  readonly unknown: readonly string[];
}

export interface TopologyGeoGroup {
  readonly address: string;
  readonly groupName: string | null;
  /** Addresses of the member caches (the linking cache first). */
  readonly members: readonly string[];
}

export interface TopologyManifest {
  readonly schemaVersion: typeof TOPOLOGY_SCHEMA_VERSION;
  readonly generator: { readonly name: string; readonly version: string };
  readonly stack: string;
  readonly caches: readonly TopologyCache[];
  readonly geoGroups: readonly TopologyGeoGroup[];
}

const GENERATOR = { name: '@amr-reliability/cdktf-managed-redis', version: '0.1.0' };

export function buildTopologyManifest(stack: StackView, options: { regions?: RegionOverrides } = {}): TopologyManifest {
  const caches = stack.resources.filter((r) => r.type === MANAGED_REDIS);
  const geoGroups = stack.resources
    .filter((r) => r.type === GEO_REPLICATION)
    .map((g) => {
      const primary = referencedAddresses(g.values.managed_redis_id).filter((a) => a.startsWith(`${MANAGED_REDIS}.`));
      const linked = referencedAddresses(g.values.linked_managed_redis_ids).filter((a) => a.startsWith(`${MANAGED_REDIS}.`));
      const first = caches.find((c) => primary.includes(c.address));
      const group = first ? attr(first, 'default_database.geo_replication_group_name') : undefined;
      return {
        address: g.address,
        groupName: group?.kind === 'known' ? String(group.value) : null,
        members: [...primary, ...linked.filter((a) => !primary.includes(a))],
      };
    });
  return {
    schemaVersion: TOPOLOGY_SCHEMA_VERSION,
    generator: GENERATOR,
    stack: stack.name,
    caches: caches.map((c) => describeCache(c, stack, options.regions ?? {})),
    geoGroups,
  };
}

function describeCache(cache: TerraformResource, stack: StackView, regions: RegionOverrides): TopologyCache {
  const unknown: string[] = [];
  const known = (path: string, fallback?: unknown): unknown => {
    const value = fallback === undefined ? attr(cache, path) : attrOr(cache, path, fallback);
    if (value.kind === 'unknown') unknown.push(path);
    return value.kind === 'known' ? value.value : null;
  };
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const bool = (v: unknown) => (typeof v === 'boolean' ? v : null);

  const location = str(known('location'));
  const skuName = str(known('sku_name'));
  const sku = skuName ? findSku(skuName) : undefined;
  const ha = bool(known('high_availability_enabled', PROVIDER_DEFAULTS.high_availability_enabled));
  const support = location ? zoneSupport(location, regions) : 'unknown';
  const moduleBlocks = blocks(cache, 'default_database.module');
  if (moduleBlocks.kind === 'unknown') unknown.push('default_database.module');
  const modules =
    moduleBlocks.kind === 'unknown'
      ? null
      : moduleBlocks.kind === 'absent'
        ? []
        : (moduleBlocks.value as Array<Record<string, unknown>>).map((m) => ({ name: String(m.name), args: str(m.args) ?? null }));
  const aof = str(known('default_database.persistence_append_only_file_backup_frequency'));
  const rdb = str(known('default_database.persistence_redis_database_backup_frequency'));
  const group = str(known('default_database.geo_replication_group_name'));
  const members = group ? groupMembers(cache, stack) : [];
  const zoneRedundantMembers = members.filter(
    (m) => knownValue(m, 'high_availability_enabled', true) === true && zoneSupport(String(knownValue(m, 'location')), regions) === 'zones',
  ).length;
  const zoneRedundant = ha === true && support === 'zones';
  return {
    address: cache.address,
    constructPath: cache.constructPath ?? null,
    name: str(known('name')),
    profile: profileFor(cache, stack),
    region: location ? normalizeRegion(location) : null,
    zoneSupport: support,
    sku: { name: skuName, tier: sku?.tier ?? null, sizeGb: sku?.sizeGb ?? null },
    highAvailability: ha,
    zones: zoneRedundant ? ['1', '2', '3'] : ['1'],
    clusteringPolicy: str(known('default_database.clustering_policy', PROVIDER_DEFAULTS.clustering_policy)),
    evictionPolicy: str(known('default_database.eviction_policy', PROVIDER_DEFAULTS.eviction_policy)),
    modules,
    persistence: aof || rdb ? { aof, rdb } : null,
    clientProtocol: str(known('default_database.client_protocol', PROVIDER_DEFAULTS.client_protocol)),
    accessKeysAuthentication: bool(known('default_database.access_keys_authentication_enabled', PROVIDER_DEFAULTS.access_keys_authentication_enabled)),
    publicNetworkAccess: str(known('public_network_access', PROVIDER_DEFAULTS.public_network_access)),
    privateEndpoint: resourcesReferring(stack, PRIVATE_ENDPOINT, cache, 'private_service_connection.private_connection_resource_id').length > 0,
    geoReplicationGroupName: group,
    scheduledExport: hasScheduledExport(cache, stack),
    reliability:
      ha === null
        ? null
        : estimateReliability({
            highAvailability: ha,
            zoneSupport: support,
            persistence: { aof: aof ?? undefined, rdb: rdb ?? undefined },
            geo: group ? { members: members.length, zoneRedundantMembers } : undefined,
          }),
    unknown: [...new Set(unknown)],
  };
}
