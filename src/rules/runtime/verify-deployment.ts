/**
 * `amr verify`'s judgement, pure: a deployed cache's ARM resources (GET of `Microsoft.Cache/redisEnterprise/{name}` and
 * `.../databases/default`) against the cache in the stack: AMR-RUN-001 (the cache really runs zone redundant:
 * `redundancyMode`) and the drift of every setting the stack declares (SKU, region, HA, network access, database
 * settings, modules, persistence, geo group and the state of its links).
 */
import { databaseField, geoGroupName, highAvailability, MANAGED_REDIS, moduleNames } from '../cache/common';
import { normalizeRegion, zoneSupport, type RegionOverrides } from '../data/regions';
import { PROVIDER_DEFAULTS } from '../data/values';
import { groupMembers } from '../geo/common';
import { severities } from '../profiles';
import { attr, attrOr, displayName, type DefaultedValue, type StackView, type TerraformResource } from '../terraform';
import type { RuleMetadata } from '../types';

/** AMR-RUN-001: documented here, checked by `amr verify` (it needs the deployed resource). */
export const REDUNDANCY_MODE_RULE: RuleMetadata = {
  id: 'AMR-RUN-001',
  title: 'The cache really runs zone redundant',
  severity: severities.error,
  when: ['runtime'],
  statement:
    'Zone redundancy is not a setting: an HA cache in a region with availability zones is expected to spread over zones, but a preview subscription feature (or a capacity ' +
    'fallback) can leave it locally redundant. The read-only redundancyMode of the deployed resource says what it really is: ZR (zone redundant), LR (local) or None.',
  fix: "run 'amr verify' after every apply; a cache that reports LR in a region with zones must be recreated (zone redundancy cannot be added to an existing cache) or the gap accepted",
  sources: ['https://learn.microsoft.com/azure/reliability/reliability-managed-redis', 'https://learn.microsoft.com/rest/api/redis/redisenterprisecache/redis-enterprise/get'],
};

export interface DeployedCache {
  /** The body of GET `.../redisEnterprise/{name}`. */
  readonly cluster: Record<string, unknown>;
  /** The body of GET `.../redisEnterprise/{name}/databases/default`. */
  readonly database: Record<string, unknown>;
}

export interface VerifyCheck {
  /** `AMR-RUN-001`, or `drift` for a setting that differs from the stack. */
  readonly id: 'AMR-RUN-001' | 'drift';
  readonly status: 'pass' | 'fail' | 'unknown';
  /** The stack's attribute, e.g. `default_database.eviction_policy`. */
  readonly attribute: string;
  readonly message: string;
}

const read = (body: Record<string, unknown>, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), body);
const enabledText = (value: unknown) => (value === true ? 'Enabled' : value === false ? 'Disabled' : value);
const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** One setting: the stack's value (transformed into the ARM form) against the deployed one. */
function compare(attribute: string, declared: DefaultedValue, deployed: unknown, toArm: (v: unknown) => unknown = (v) => v, same: (a: unknown, b: unknown) => boolean = (a, b) => a === b): VerifyCheck {
  if (declared.kind === 'unknown') return { id: 'drift', status: 'unknown', attribute, message: `${attribute} is not known in the stack (${declared.expression})` };
  if (deployed === undefined) return { id: 'drift', status: 'unknown', attribute, message: `${attribute}: the deployed resource does not show it` };
  const expected = toArm(declared.value);
  return same(expected, deployed)
    ? { id: 'drift', status: 'pass', attribute, message: `${attribute} ${show(expected)}` }
    : { id: 'drift', status: 'fail', attribute, message: `${attribute} drifted: the stack declares ${show(expected)}, the deployed cache has ${show(deployed)}` };
}

/** AMR-RUN-001 on one deployed cache. */
export function checkRedundancyMode(cache: TerraformResource, deployed: DeployedCache, regions: RegionOverrides = {}): VerifyCheck {
  const attribute = 'redundancyMode';
  const ha = highAvailability(cache);
  const location = attr(cache, 'location');
  if (ha.kind === 'unknown' || location.kind !== 'known') return { id: 'AMR-RUN-001', status: 'unknown', attribute, message: 'high availability or location is not known in the stack' };
  const support = zoneSupport(String(location.value), regions);
  const actual = read(deployed.cluster, 'properties.redundancyMode');
  if (ha.value !== true || support === 'no-zones') return { id: 'AMR-RUN-001', status: 'pass', attribute, message: `not expected to be zone redundant (redundancyMode ${show(actual ?? 'not shown')})` };
  if (support === 'unknown') return { id: 'AMR-RUN-001', status: 'unknown', attribute, message: `zone support of region '${String(location.value)}' is unknown` };
  if (typeof actual !== 'string') return { id: 'AMR-RUN-001', status: 'unknown', attribute, message: 'the deployed resource does not show redundancyMode' };
  return actual === 'ZR'
    ? { id: 'AMR-RUN-001', status: 'pass', attribute, message: 'redundancyMode ZR (zone redundant)' }
    : {
        id: 'AMR-RUN-001',
        status: 'fail',
        attribute,
        message: `'${displayName(cache)}' reports redundancyMode ${actual} (expected ZR: an HA cache in ${normalizeRegion(String(location.value))}, a region with availability zones): it is not zone redundant, and a zone failure takes it down`,
      };
}

/** Every check of one deployed cache against its declaration in the stack. */
export function verifyDeployment(cache: TerraformResource, deployed: DeployedCache, stack: StackView, regions: RegionOverrides = {}): VerifyCheck[] {
  const { cluster, database } = deployed;
  const persistence = (kind: 'aof' | 'rdb', field: string): VerifyCheck => {
    const declared = attrOr(cache, `default_database.${field}`, null);
    const enabled = read(database, `properties.persistence.${kind}Enabled`);
    const frequency = read(database, `properties.persistence.${kind}Frequency`);
    return compare(`default_database.${field}`, declared, enabled === undefined ? undefined : enabled === true ? frequency ?? 'enabled' : null);
  };
  const modules = moduleNames(cache);
  const deployedModules = read(database, 'properties.modules');
  const checks: VerifyCheck[] = [
    checkRedundancyMode(cache, deployed, regions),
    compare('location', attr(cache, 'location') as DefaultedValue, cluster.location, (v) => normalizeRegion(String(v)), (a, b) => a === normalizeRegion(String(b))),
    compare('sku_name', attr(cache, 'sku_name') as DefaultedValue, read(cluster, 'sku.name')),
    compare('high_availability_enabled', highAvailability(cache), read(cluster, 'properties.highAvailability'), enabledText),
    compare('public_network_access', attrOr(cache, 'public_network_access', PROVIDER_DEFAULTS.public_network_access), read(cluster, 'properties.publicNetworkAccess')),
    compare('default_database.client_protocol', databaseField(cache, 'client_protocol'), read(database, 'properties.clientProtocol')),
    compare('default_database.clustering_policy', databaseField(cache, 'clustering_policy'), read(database, 'properties.clusteringPolicy')),
    compare('default_database.eviction_policy', databaseField(cache, 'eviction_policy'), read(database, 'properties.evictionPolicy')),
    compare('default_database.access_keys_authentication_enabled', databaseField(cache, 'access_keys_authentication_enabled'), read(database, 'properties.accessKeysAuthentication'), enabledText),
    compare(
      'default_database.module',
      modules.kind === 'known' ? { kind: 'known', value: [...modules.names].sort() } : { kind: 'unknown', expression: 'module' },
      Array.isArray(deployedModules) ? deployedModules.map((m) => String((m as { name?: unknown }).name)).sort() : undefined,
      (v) => v,
      (a, b) => JSON.stringify(a) === JSON.stringify(b),
    ),
    persistence('aof', 'persistence_append_only_file_backup_frequency'),
    persistence('rdb', 'persistence_redis_database_backup_frequency'),
    compare('default_database.geo_replication_group_name', geoGroupName(cache), read(database, 'properties.geoReplication.groupNickname') ?? (database.properties ? '' : undefined), (v) => v),
  ];
  checks.push(...geoLinks(cache, deployed, stack));
  return checks.filter((c) => !(c.attribute === 'location' && attr(cache, 'location').kind === 'absent'));
}

/** Every member the stack links with this cache is linked (state Linked) in the deployed database. */
function geoLinks(cache: TerraformResource, deployed: DeployedCache, stack: StackView): VerifyCheck[] {
  const group = geoGroupName(cache);
  if (group.kind !== 'known' || group.value === '') return [];
  const attribute = 'geo-replication links';
  const links = read(deployed.database, 'properties.geoReplication.linkedDatabases');
  if (!Array.isArray(links)) return [{ id: 'drift', status: 'unknown', attribute, message: 'the deployed database does not show its linked databases' }];
  const state = new Map(links.map((l) => [String((l as { id?: unknown }).id ?? '').match(/\/redisEnterprise\/([^/]+)\//i)?.[1]?.toLowerCase(), String((l as { state?: unknown }).state)]));
  const problems: string[] = [];
  for (const member of [cache, ...groupMembers(cache, stack).filter((m) => m !== cache && m.type === MANAGED_REDIS)]) {
    const name = displayName(member).toLowerCase();
    const s = state.get(name);
    if (s !== 'Linked') problems.push(`'${displayName(member)}' ${s === undefined ? 'is not linked' : `is ${s}`}`);
  }
  return problems.length === 0
    ? [{ id: 'drift', status: 'pass', attribute, message: `every member of '${String(group.value)}' is Linked` }]
    : [{ id: 'drift', status: 'fail', attribute, message: `geo group '${String(group.value)}': ${problems.join(', ')} (expected: every member Linked)` }];
}
