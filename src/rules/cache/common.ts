/** Shared vocabulary of the one-cache rules. */
import { findSku, type SkuInfo } from '../data/skus';
import { attr, attrOr, blocks, type AttributeValue, type DefaultedValue, type StackView, type TerraformResource, referencedAddresses, refersTo } from '../terraform';
import { PROVIDER_DEFAULTS } from '../data/values';

export const MANAGED_REDIS = 'azurerm_managed_redis';
export const GEO_REPLICATION = 'azurerm_managed_redis_geo_replication';
export const LEGACY_CLUSTER = 'azurerm_redis_enterprise_cluster';
export const LEGACY_DATABASE = 'azurerm_redis_enterprise_database';
export const DIAGNOSTIC_SETTING = 'azurerm_monitor_diagnostic_setting';
export const PRIVATE_ENDPOINT = 'azurerm_private_endpoint';

/** `default_database.<field>` with the provider's default applied when the block exists but the field is absent. */
export function databaseField(cache: TerraformResource, field: DatabaseFieldWithDefault): DefaultedValue {
  return attrOr(cache, `default_database.${field}`, PROVIDER_DEFAULTS[field]);
}

export type DatabaseFieldWithDefault = 'access_keys_authentication_enabled' | 'client_protocol' | 'clustering_policy' | 'eviction_policy';

/** High availability, with the provider default (true) when absent. */
export function highAvailability(cache: TerraformResource): DefaultedValue {
  return attrOr(cache, 'high_availability_enabled', PROVIDER_DEFAULTS.high_availability_enabled);
}

/** The module names declared on the default database (unknown when the list or a name is unresolved). */
export function moduleNames(cache: TerraformResource): { kind: 'known'; names: string[] } | { kind: 'unknown' } {
  const modules = blocks(cache, 'default_database.module');
  if (modules.kind === 'absent') return { kind: 'known', names: [] };
  if (modules.kind === 'unknown') return { kind: 'unknown' };
  const names = (modules.value as Array<{ name?: unknown }>).map((m) => m?.name);
  if (names.some((n) => typeof n !== 'string' || n.includes('${'))) return { kind: 'unknown' };
  return { kind: 'known', names: names as string[] };
}

/** The SKU row for a known sku_name. */
export function skuOf(cache: TerraformResource): { kind: 'known'; sku: SkuInfo | undefined; name: string } | { kind: 'unknown' } | { kind: 'absent' } {
  const value = attr(cache, 'sku_name');
  if (value.kind === 'unknown') return { kind: 'unknown' };
  if (value.kind === 'absent' || typeof value.value !== 'string') return { kind: 'absent' };
  return { kind: 'known', sku: findSku(value.value), name: value.value };
}

/** The geo-replication group name when set ('' when not set); unknown when unresolved. */
export function geoGroupName(cache: TerraformResource): DefaultedValue {
  return attrOr(cache, 'default_database.geo_replication_group_name', '');
}

/** True when the cache is (known to be) a geo-replication member. */
export function isKnownGeoMember(cache: TerraformResource): boolean {
  const group = geoGroupName(cache);
  return group.kind === 'known' && group.value !== '';
}

/** Resources of a type in the stack that refer to this cache (e.g. diagnostic settings, private endpoints). */
export function resourcesReferring(stack: StackView, type: string, cache: TerraformResource, attribute: string): TerraformResource[] {
  return stack.resources.filter((r) => r.type === type && (refersTo(attr(r, attribute), cache) || literalIdMatches(attr(r, attribute), cache)));
}

/**
 * Resources of a type whose `attribute` is an unresolved expression naming no resource at all (a variable, a local, a
 * module output, an unresolved token): they may refer to this cache, so a rule looking for them cannot say "none".
 */
export function resourcesMaybeReferring(stack: StackView, type: string, attribute: string): TerraformResource[] {
  return stack.resources.filter((r) => {
    if (r.type !== type) return false;
    const value = attr(r, attribute);
    return value.kind === 'unknown' && referencedAddresses(value.expression).length === 0;
  });
}

function literalIdMatches(value: AttributeValue, cache: TerraformResource): boolean {
  const name = attr(cache, 'name');
  if (value.kind !== 'known' || typeof value.value !== 'string' || name.kind !== 'known') return false;
  return new RegExp(`/redisEnterprise/${String(name.value)}(/|$)`, 'i').test(value.value);
}

/** Quotes a value for messages. */
export function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}
