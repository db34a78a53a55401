/** Shared vocabulary of the one-cache rules. */
import { findSku, type SkuInfo } from '../data/skus';
import { memoize, memoizeFor, NO_RESOURCES, ofType } from '../stack-index';
import { attr, attrOr, blocks, type DefaultedValue, type StackView, type TerraformResource, referencedAddresses } from '../terraform';
import { PROVIDER_DEFAULTS } from '../data/values';

export const MANAGED_REDIS = 'azurerm_managed_redis';
export const GEO_REPLICATION = 'azurerm_managed_redis_geo_replication';
export const LEGACY_CLUSTER = 'azurerm_redis_enterprise_cluster';
export const LEGACY_DATABASE = 'azurerm_redis_enterprise_database';
export const DIAGNOSTIC_SETTING = 'azurerm_monitor_diagnostic_setting';
export const PRIVATE_ENDPOINT = 'azurerm_private_endpoint';

/** `default_database.<field>` with the provider's default applied when the block exists but the field is absent. */
export function databaseField(cache: TerraformResource, field: DatabaseFieldWithDefault): DefaultedValue {
  return attrOr(cache, databasePath(field), PROVIDER_DEFAULTS[field]);
}

const DATABASE_PATHS = new Map<string, string>();

/** `default_database.<field>`, built once per field (the rules read these on every cache). */
export function databasePath(field: string): string {
  let path = DATABASE_PATHS.get(field);
  if (path === undefined) {
    path = `default_database.${field}`;
    DATABASE_PATHS.set(field, path);
  }
  return path;
}

export type DatabaseFieldWithDefault = 'access_keys_authentication_enabled' | 'client_protocol' | 'clustering_policy' | 'eviction_policy';

/** High availability, with the provider default (true) when absent. */
export function highAvailability(cache: TerraformResource): DefaultedValue {
  return attrOr(cache, 'high_availability_enabled', PROVIDER_DEFAULTS.high_availability_enabled);
}

/** The module names declared on the default database (unknown when the list or a name is unresolved). */
export function moduleNames(cache: TerraformResource): { kind: 'known'; names: string[] } | { kind: 'unknown' } {
  const modules = blocks(cache, 'default_database.module');
  if (modules.kind === 'absent') return NO_MODULES;
  if (modules.kind === 'unknown') return { kind: 'unknown' };
  const names = (modules.value as Array<{ name?: unknown }>).map((m) => m?.name);
  if (names.some((n) => typeof n !== 'string' || n.includes('${'))) return { kind: 'unknown' };
  return { kind: 'known', names: names as string[] };
}

/** The one answer for a cache without modules (answers are read, never written). */
const NO_MODULES: { kind: 'known'; names: string[] } = Object.freeze({ kind: 'known' as const, names: Object.freeze([]) as unknown as string[] });

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
  return referrers(stack, type, attribute).get(cache.address) ?? NO_RESOURCES;
}

/** For resources of `type`: cache address → the resources whose `attribute` refers to it (by reference or literal ARM ID). */
function referrers(stack: StackView, type: string, attribute: string): Map<string, TerraformResource[]> {
  return referenceIndex(stack, type, attribute).byCache;
}

/**
 * Who of `type` refers to what through `attribute`, read once per stack for both questions: the resources referring to
 * each cache, and those that may refer to any (see resourcesMaybeReferring), in stack order.
 */
function referenceIndex(stack: StackView, type: string, attribute: string): { byCache: Map<string, TerraformResource[]>; maybe: TerraformResource[] } {
  return memoizeFor(stack, 'referenceIndex', type, attribute, buildReferenceIndex);
}

function buildReferenceIndex(stack: StackView, type: string, attribute: string): { byCache: Map<string, TerraformResource[]>; maybe: TerraformResource[] } {
  const map = new Map<string, TerraformResource[]>();
  const maybe: TerraformResource[] = [];
  const add = (address: string, r: TerraformResource) => {
    const list = map.get(address);
    if (list === undefined) map.set(address, [r]);
    else if (!list.includes(r)) list.push(r);
  };
  for (const r of ofType(stack, type)) {
    if (r.unknownInstances !== undefined) {
      maybe.push(r); // may have no instance at all: only "maybe" referring
      continue;
    }
    const value = attr(r, attribute);
    if (value.kind === 'unknown') {
      const addresses = referencedAddresses(value.expression);
      if (addresses.length === 0) maybe.push(r);
      for (const a of addresses) add(a, r);
    } else if (value.kind === 'known') {
      for (const a of referencedAddresses(value.value)) add(a, r);
      const name = typeof value.value === 'string' ? value.value.match(/\/redisEnterprise\/([^/]+)(\/|$)/i)?.[1] : undefined;
      if (name) (cachesByLowerName(stack).get(name.toLowerCase()) ?? []).forEach((c) => add(c.address, r));
    }
  }
  return { byCache: map, maybe };
}

/** The stack's caches by known name, lower case (stack order), once per stack and only when a literal ARM ID asks. */
function cachesByLowerName(stack: StackView): Map<string, TerraformResource[]> {
  return memoize(stack, 'cachesByLowerName', cachesByLowerNameOf);
}

/**
 * Resources of a type whose `attribute` is an unresolved expression naming no resource at all (a variable, a local, a
 * module output, an unresolved token), or whose count/for_each is unknown (they may not exist): they may refer to
 * this cache, so a rule looking for them can say neither "none" nor "found".
 */
export function resourcesMaybeReferring(stack: StackView, type: string, attribute: string): TerraformResource[] {
  return referenceIndex(stack, type, attribute).maybe;
}

/** Quotes a value for messages. */
export function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

/** The index memoized as 'cachesByLowerName': built once per stack (declared once, so a lookup makes no closure). */
function cachesByLowerNameOf(stack: StackView) {
  const byName = new Map<string, TerraformResource[]>();
  for (const c of ofType(stack, MANAGED_REDIS)) {
    const name = attr(c, 'name');
    if (name.kind !== 'known' || typeof name.value !== 'string') continue;
    const list = byName.get(name.value.toLowerCase());
    if (list) list.push(c);
    else byName.set(name.value.toLowerCase(), [c]);
  }
  return byName;
}
