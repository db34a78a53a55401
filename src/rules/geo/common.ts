/** Geo-replication groups as the rules see them: caches that share a group name, and the resources that link them. */
import { GEO_REPLICATION, geoGroupName, MANAGED_REDIS } from '../cache/common';
import { notApplicable, unknown, type Rule, type RuleResult } from '../types';
import { byAddress, memoize, NO_RESOURCES, ofType } from '../stack-index';
import { isUnresolved, knownValue, referencedAddresses, type StackView, type TerraformResource, isAddressOf } from '../terraform';

export const FORCE_LINK_ACTION = 'forceLinkToReplicationGroup';
export const AZAPI_ACTION = 'azapi_resource_action';
/** The first azurerm version that links groups of three or more correctly (PR #31385). */
export const GEO_LINK_FIX_VERSION = '4.61.0';

/** The cache's group name when known and non-empty. */
export function knownGroup(cache: TerraformResource): string | undefined {
  const group = geoGroupName(cache);
  return group.kind === 'known' && typeof group.value === 'string' && group.value !== '' ? group.value : undefined;
}

/** Caches of the stack with the same known group name, sorted by address (the first is the group's reporter). */
export function groupMembers(cache: TerraformResource, stack: StackView): TerraformResource[] {
  const group = knownGroup(cache);
  if (group === undefined) return NO_RESOURCES;
  return groups(stack).get(group) ?? NO_RESOURCES;
}

/** Group name → its caches (known group names), sorted by address. */
export function groups(stack: StackView): Map<string, TerraformResource[]> {
  return memoize(stack, 'geoGroups', geoGroupsOf);
}

/** The cache in the stack that a `managed_redis_id`-like value points at: by reference, or by a literal ARM ID's name. */
export function cacheFor(value: unknown, stack: StackView): TerraformResource | undefined {
  const byReference = referencedAddresses(value).find((a) => isAddressOf(a, MANAGED_REDIS));
  if (byReference) return byAddress(stack, byReference);
  if (typeof value !== 'string' || isUnresolved(value)) return undefined;
  const name = value.match(/\/redisEnterprise\/([^/]+)\/?$/i)?.[1];
  if (!name) return undefined;
  const byName = memoize(stack, 'cachesByName', cachesByNameOf);
  return byName.get(name.toLowerCase());
}

export interface LinkView {
  /** The raw `managed_redis_id`. */
  readonly primaryId: unknown;
  readonly primary: TerraformResource | undefined;
  /** The raw `linked_managed_redis_ids`, or undefined when the whole list is unresolved. */
  readonly linkedIds: readonly unknown[] | undefined;
  /** The cache each linked id points at (undefined where it is outside the stack or unresolved). */
  readonly linked: ReadonlyArray<TerraformResource | undefined>;
}

/** What an `azurerm_managed_redis_geo_replication` links. */
export function linkView(geo: TerraformResource, stack: StackView): LinkView {
  const primaryId = geo.values.managed_redis_id;
  const rawLinked = geo.values.linked_managed_redis_ids;
  const linkedIds = Array.isArray(rawLinked) ? rawLinked : undefined;
  return {
    primaryId,
    primary: cacheFor(primaryId, stack),
    linkedIds,
    linked: (linkedIds ?? []).map((id) => cacheFor(id, stack)),
  };
}

/** Geo-replication resources of the stack that link any of these caches. */
export function linksOf(members: readonly TerraformResource[], stack: StackView): TerraformResource[] {
  const byMember = memoize(stack, 'linksByMember', linksByMemberOf);
  return [...new Set(members.flatMap((m) => byMember.get(m) ?? []))];
}

/** Addresses a resource depends on explicitly (`depends_on`); cdktf writes plain addresses, HCL writes `${...}`. */
export function dependsOn(resource: TerraformResource): string[] {
  const raw = resource.values.depends_on;
  return Array.isArray(raw) ? raw.flatMap((d) => (typeof d === 'string' ? [d.replace(/^\$\{|\}$/g, '')] : [])) : [];
}

/** True when version `a` >= `b` (x.y.z). */
export function versionAtLeast(a: string, b: string): boolean {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) > (pb[i] ?? 0);
  }
  return true;
}

export const GEO_SOURCES = ['https://learn.microsoft.com/azure/redis/how-to-active-geo-replication', 'https://learn.microsoft.com/azure/reliability/reliability-managed-redis'];

/** Runs `check` only on geo members; unknown when the group name itself is unresolved. */
export function onGeoMembers(check: (cache: TerraformResource, group: string) => RuleResult): Rule['check'] {
  return (cache) => {
    const group = geoGroupName(cache);
    if (group.kind === 'unknown') return unknown('default_database.geo_replication_group_name');
    if (group.value === '') return notApplicable();
    return check(cache, String(group.value));
  };
}

/** The index memoized as 'geoGroups': built once per stack (declared once, so a lookup makes no closure). */
function geoGroupsOf(stack: StackView) {
  const map = new Map<string, TerraformResource[]>();
  for (const c of ofType(stack, MANAGED_REDIS)) {
    const group = knownGroup(c);
    if (group === undefined) continue;
    const members = map.get(group);
    if (members) members.push(c); // in place: copying the list per member is quadratic in the group's size
    else map.set(group, [c]);
  }
  for (const members of map.values()) members.sort((a, b) => a.address.localeCompare(b.address));
  return map;
}

/** The index memoized as 'cachesByName': built once per stack (declared once, so a lookup makes no closure). */
function cachesByNameOf(stack: StackView) {
  const map = new Map<string, TerraformResource>();
  for (const c of ofType(stack, MANAGED_REDIS)) {
    const key = String(knownValue(c, 'name') ?? '').toLowerCase();
    if (!map.has(key)) map.set(key, c);
  }
  return map;
}

/** The index memoized as 'linksByMember': built once per stack (declared once, so a lookup makes no closure). */
function linksByMemberOf(stack: StackView) {
  const map = new Map<TerraformResource, TerraformResource[]>();
  for (const geo of ofType(stack, GEO_REPLICATION)) {
    const view = linkView(geo, stack);
    for (const m of new Set([view.primary, ...view.linked])) if (m) map.set(m, [...(map.get(m) ?? []), geo]);
  }
  return map;
}
