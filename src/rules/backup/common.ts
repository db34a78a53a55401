/** How the rules recognise a scheduled export of a cache in a stack. */
import { attr, refersTo, type StackView, type TerraformResource } from '../terraform';

export const EXPORT_ACTION = 'Microsoft.Cache/redisEnterprise/databases/export/action';

/**
 * True when the stack schedules exports of this cache: a resource the ScheduledExport construct marked
 * (`//.amr.backupOf` lists the cache's address), or a custom role that grants the export action on the cache.
 */
export function hasScheduledExport(cache: TerraformResource, stack: StackView): boolean {
  return stack.resources.some((r) => {
    const backupOf = r.amr?.backupOf;
    if (Array.isArray(backupOf) && backupOf.includes(cache.address)) return true;
    if (r.type !== 'azurerm_role_definition') return false;
    const permissions = attr(r, 'permissions');
    const grantsExport = permissions.kind === 'known' && JSON.stringify(permissions.value).includes(EXPORT_ACTION);
    return grantsExport && (refersTo(attr(r, 'scope'), cache) || refersTo(attr(r, 'assignable_scopes'), cache));
  });
}
