/** How the rules recognise a scheduled export of a cache in a stack. */
import { memoize, ofType } from '../stack-index';
import { attr, referencedAddresses, type StackView, type TerraformResource } from '../terraform';

export const EXPORT_ACTION = 'Microsoft.Cache/redisEnterprise/databases/export/action';

/**
 * True when the stack schedules exports of this cache: a resource the ScheduledExport construct marked
 * (`//.amr.backupOf` lists the cache's address), or a custom role that grants the export action on the cache.
 */
export function hasScheduledExport(cache: TerraformResource, stack: StackView): boolean {
  return exportedCaches(stack).has(cache.address);
}

/** Addresses of the caches the stack exports on a schedule. */
function exportedCaches(stack: StackView): Set<string> {
  return memoize(stack, 'exportedCaches', () => {
    const exported = new Set<string>();
    for (const r of stack.resources) {
      const backupOf = r.amr?.backupOf;
      if (Array.isArray(backupOf)) backupOf.forEach((a) => exported.add(String(a)));
    }
    for (const role of ofType(stack, 'azurerm_role_definition')) {
      const permissions = attr(role, 'permissions');
      if (permissions.kind !== 'known' || !JSON.stringify(permissions.value).includes(EXPORT_ACTION)) continue;
      for (const a of [...referencedAddresses(role.values.scope), ...referencedAddresses(role.values.assignable_scopes)]) exported.add(a);
    }
    return exported;
  });
}
