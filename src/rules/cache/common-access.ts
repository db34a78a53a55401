/**
 * How the rules find who can use and change a cache: data-access policy assignments (the `azapi_resource` form the
 * constructs synthesize on azurerm 4.55, and `azurerm_managed_redis_access_policy_assignment` from 4.60) and
 * management locks, by reference or by literal ARM ID.
 */
import { memoize } from '../stack-index';
import { attr, type StackView, type TerraformResource } from '../terraform';
import { resourcesMaybeReferring, resourcesReferring } from './common';

export const AZAPI_RESOURCE = 'azapi_resource';
export const ACCESS_POLICY_ASSIGNMENT = 'azurerm_managed_redis_access_policy_assignment';
export const MANAGEMENT_LOCK = 'azurerm_management_lock';
/** The ARM type of an access policy assignment, before `@<api version>`. */
export const ACCESS_POLICY_ASSIGNMENT_ARM_TYPE = 'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments';
/** The azurerm version that has azurerm_managed_redis_access_policy_assignment. */
export const ACCESS_POLICY_ASSIGNMENT_AZURERM_VERSION = '4.60.0';

/** True for an azapi_resource whose known `type` is an access policy assignment (any API version). */
function isAzapiAssignment(resource: TerraformResource): boolean {
  const type = attr(resource, 'type');
  return type.kind === 'known' && typeof type.value === 'string' && type.value.toLowerCase().startsWith(`${ACCESS_POLICY_ASSIGNMENT_ARM_TYPE.toLowerCase()}@`);
}

export interface Referrers {
  /** Resources known to target the cache. */
  readonly found: TerraformResource[];
  /** Resources whose target is not known until apply and names no resource: they may target the cache. */
  readonly maybe: TerraformResource[];
}

/** The access policy assignments of the cache's database in the stack, in both forms. */
export function accessPolicyAssignmentsOf(cache: TerraformResource, stack: StackView): Referrers {
  const referring = resourcesReferring(stack, AZAPI_RESOURCE, cache, 'parent_id');
  const azapi = referring.length === 0 ? referring : referring.filter(isAzapiAssignment);
  const azurerm = resourcesReferring(stack, ACCESS_POLICY_ASSIGNMENT, cache, 'managed_redis_id');
  const maybe = memoize(stack, 'maybeAccessPolicyAssignments', maybeAccessPolicyAssignmentsOf);
  return { found: azapi.length === 0 ? azurerm : azurerm.length === 0 ? azapi : [...azapi, ...azurerm], maybe };
}

/** The index memoized as 'maybeAccessPolicyAssignments' (declared once, so a lookup makes no closure). */
function maybeAccessPolicyAssignmentsOf(stack: StackView): TerraformResource[] {
  return [...resourcesMaybeReferring(stack, AZAPI_RESOURCE, 'parent_id').filter(isAzapiAssignment), ...resourcesMaybeReferring(stack, ACCESS_POLICY_ASSIGNMENT, 'managed_redis_id')];
}

/** The management locks whose scope is the cache. */
export function locksOf(cache: TerraformResource, stack: StackView): Referrers {
  return { found: resourcesReferring(stack, MANAGEMENT_LOCK, cache, 'scope'), maybe: resourcesMaybeReferring(stack, MANAGEMENT_LOCK, 'scope') };
}
