import { hasScheduledExport } from '../backup/common';
import { severities } from '../profiles';
import { memoize, ofType } from '../stack-index';
import { attr, displayName, knownValue, referencedAddresses, sameText, type StackView, type TerraformResource } from '../terraform';
import { fail, pass, unknown, type Rule, type RuleResult } from '../types';
import { accessPolicyAssignmentsOf, locksOf, MANAGEMENT_LOCK } from './common-access';
import { databaseField, geoGroupName, MANAGED_REDIS } from './common';

const RESOURCE_GROUP = 'azurerm_resource_group';

/**
 * Locks on the cache's resource group (inherited by every resource in it): scoped to an `azurerm_resource_group` the cache
 * names (by reference or by its literal name), or to a literal resource group ID with the cache's resource group name.
 */
function resourceGroupLocks(cache: TerraformResource, stack: StackView): TerraformResource[] {
  const locks = ofType(stack, MANAGEMENT_LOCK);
  if (locks.length === 0) return locks; // no lock to match: skip looking up the resource group
  const group = attr(cache, 'resource_group_name');
  const groups =
    group.kind === 'unknown'
      ? ofType(stack, RESOURCE_GROUP)
          .filter((g) => referencedAddresses(group.expression).includes(g.address))
          .map((g) => g.address)
      : group.kind === 'known' && typeof group.value === 'string'
        ? (resourceGroupsByName(stack).get(group.value.toLowerCase()) ?? [])
        : [];
  return locks.filter((lock) => {
    const scope = attr(lock, 'scope');
    if (scope.kind === 'unknown') return referencedAddresses(scope.expression).some((a) => groups.includes(a));
    const literal = scope.kind === 'known' && typeof scope.value === 'string' ? scope.value.match(/\/resourceGroups\/([^/]+)\/?$/i)?.[1] : undefined;
    return group.kind === 'known' && sameText(literal, group.value);
  });
}

/** Addresses of the stack's resource groups by known name (lower case), once per stack: a lookup per cache, not a scan. */
function resourceGroupsByName(stack: StackView): ReadonlyMap<string, readonly string[]> {
  return memoize(stack, 'resourceGroupsByName', resourceGroupsByNameOf);
}

/** What a ReadOnly lock would block on this cache: each conflict in words, or the attribute that cannot be known. */
function conflicts(cache: TerraformResource, stack: StackView): { readonly blocked: string[] } | { readonly unknown: string } {
  const blocked: string[] = [];
  if (hasScheduledExport(cache, stack)) blocked.push('its scheduled export (POST .../databases/default/export) fails: no backup is taken');
  const group = geoGroupName(cache);
  if (group.kind === 'unknown') return { unknown: 'default_database.geo_replication_group_name' };
  if (group.value !== '') {
    blocked.push(`as a member of geo group '${String(group.value)}' it cannot be force-unlinked (POST forceUnlink) in a region outage, nor flushed (POST flush)`);
  }
  const keys = databaseField(cache, 'access_keys_authentication_enabled');
  if (keys.kind === 'unknown') return { unknown: 'default_database.access_keys_authentication_enabled' };
  if (keys.value === true && accessPolicyAssignmentsOf(cache, stack).found.length === 0) {
    blocked.push('access keys are its only authentication (no access policy assignment) and listKeys is a POST: no client can get a key');
  }
  return { blocked };
}

/** AMR-OPS-002: a ReadOnly lock does not block an operation the cache depends on. */
export const readOnlyLock: Rule = {
  metadata: {
    id: 'AMR-OPS-002',
    title: 'A ReadOnly lock does not block what the cache needs',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement:
      'A ReadOnly management lock blocks every write through Azure Resource Manager, and POST actions count as writes: on Azure Managed Redis that includes export, import, flush, ' +
      'listKeys, and geo-replication force-link and force-unlink. A ReadOnly lock therefore breaks scheduled exports, leaves a cache whose only authentication is access keys ' +
      'without keys, and keeps a geo member from being unlinked in a region outage. It also blocks every change Terraform would apply to the cache. CanNotDelete blocks deletion only.',
    fix: "use lock: { kind: 'CanNotDelete' } (the default outside dev) instead of ReadOnly, or remove the conflicting need (the scheduled export, access keys as the only authentication, geo-replication)",
    sources: [
      'https://learn.microsoft.com/azure/azure-resource-manager/management/lock-resources',
      'https://learn.microsoft.com/azure/redis/how-to-import-export-data',
      'https://learn.microsoft.com/azure/redis/how-to-active-geo-replication',
      'https://learn.microsoft.com/rest/api/redis/redisenterprisecache/databases/list-keys',
    ],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache, { stack }): RuleResult => {
    const { found, maybe } = locksOf(cache, stack);
    const groupLocks = resourceGroupLocks(cache, stack);
    const locks = groupLocks.length === 0 ? found : [...found, ...groupLocks];
    const readOnly: TerraformResource[] = [];
    for (const lock of locks) {
      const level = attr(lock, 'lock_level');
      if (level.kind === 'unknown') return unknown('lock_level', `cannot tell whether ${lock.address} on '${displayName(cache)}' is ReadOnly: its lock_level is not known until apply`);
      if (level.kind === 'known' && level.value === 'ReadOnly') readOnly.push(lock);
    }
    // Without a ReadOnly lock, or one whose scope is not known, nothing is blocked whatever the cache needs.
    if (readOnly.length === 0 && maybe.length === 0) return pass();
    const needs = conflicts(cache, stack);
    if ('unknown' in needs) return readOnly.length > 0 ? unknown(needs.unknown) : pass();
    if (needs.blocked.length === 0) return pass();
    if (readOnly.length > 0) {
      return fail(`${readOnly.map((l) => l.address).join(', ')} locks '${displayName(cache)}' ReadOnly (allowed here: CanNotDelete), so ${needs.blocked.join('; ')}`, { attribute: 'lock_level' });
    }
    const unresolved = maybe.length === 0 ? maybe : maybe.filter((l) => !locks.includes(l) && [undefined, 'ReadOnly'].includes(knownValue(l, 'lock_level') as string | undefined));
    if (unresolved.length > 0) {
      return unknown('scope', `cannot tell whether the ReadOnly lock ${unresolved.map((l) => l.address).join(', ')} covers '${displayName(cache)}': its scope is not known until apply`);
    }
    return pass();
  },
};

/** The index memoized as 'resourceGroupsByName': built once per stack (declared once, so a lookup makes no closure). */
function resourceGroupsByNameOf(stack: StackView) {
  const byName = new Map<string, string[]>();
  for (const g of ofType(stack, RESOURCE_GROUP)) {
    const name = knownValue(g, 'name');
    if (typeof name !== 'string') continue;
    const list = byName.get(name.toLowerCase());
    if (list) list.push(g.address);
    else byName.set(name.toLowerCase(), [g.address]);
  }
  return byName;
}
