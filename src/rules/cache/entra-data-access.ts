import { versionAtLeast } from '../geo/common';
import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { ACCESS_POLICY_ASSIGNMENT, ACCESS_POLICY_ASSIGNMENT_AZURERM_VERSION, accessPolicyAssignmentsOf } from './common-access';
import { databaseField, MANAGED_REDIS } from './common';

/** AMR-SEC-005: with access keys off, someone is granted data access (an access policy assignment on the database). */
export const entraDataAccess: Rule = {
  metadata: {
    id: 'AMR-SEC-005',
    title: 'With access keys off, an identity has data access',
    severity: severities.errorInMissionCritical,
    when: ['synth', 'plan'],
    statement:
      'With access keys disabled (the default, Entra ID only) a client connects only as a Microsoft Entra identity that holds an access policy assignment on the database. ' +
      'Nothing grants one by default: without an assignment no application can use the cache until someone adds it by hand.',
    fix:
      'pass accessPolicyAssignments: [{ objectId }] to ManagedRedis or GeoReplicationGroup (the identity of the application), or declare an azapi_resource of type ' +
      'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments (parent_id: the cache ID + /databases/default) or, on azurerm 4.60 or later, azurerm_managed_redis_access_policy_assignment',
    fixTerraform:
      'declare an azapi_resource of type Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments@2025-07-01 (parent_id: the cache ID + /databases/default; ' +
      'body.properties: accessPolicyName = "default", user.objectId = the identity of the application) or, on azurerm 4.60 or later, azurerm_managed_redis_access_policy_assignment',
    sources: [
      'https://learn.microsoft.com/azure/redis/entra-for-authentication',
      'https://learn.microsoft.com/rest/api/redis/redisenterprisecache/access-policy-assignment/create-update',
      'https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/managed_redis_access_policy_assignment',
    ],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache, { stack, providerVersion }) => {
    const keys = databaseField(cache, 'access_keys_authentication_enabled');
    if (keys.kind === 'unknown') return unknown('default_database.access_keys_authentication_enabled');
    if (keys.value === true) return notApplicable();
    const { found, maybe } = accessPolicyAssignmentsOf(cache, stack);
    const usable = found.length === 0 ? found : found.filter((a) => a.type !== ACCESS_POLICY_ASSIGNMENT || versionAtLeast(providerVersion, ACCESS_POLICY_ASSIGNMENT_AZURERM_VERSION));
    if (usable.length > 0) return pass();
    if (found.length > 0) {
      return fail(
        `'${displayName(cache)}' is granted data access only by ${found.map((a) => a.address).join(', ')}, which needs azurerm ${ACCESS_POLICY_ASSIGNMENT_AZURERM_VERSION} or later (this stack: ${providerVersion}); with access keys off nobody can connect`,
        { attribute: 'default_database.access_keys_authentication_enabled' },
      );
    }
    if (maybe.length > 0) {
      return unknown('parent_id', `cannot tell whether ${maybe.map((r) => r.address).join(', ')} grants data access on '${displayName(cache)}': its target is not known until apply`);
    }
    return fail(
      `'${displayName(cache)}' has access keys off (access_keys_authentication_enabled = false) and no access policy assignment in this stack: no identity can connect (expected: at least one assignment of the 'default' access policy)`,
      { attribute: 'default_database.access_keys_authentication_enabled' },
    );
  },
};
