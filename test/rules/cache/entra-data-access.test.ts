import { entraDataAccess } from '../../../src/rules/cache/entra-data-access';
import { accessPolicyAssignment, armId, cache, check, checkWith, expectFail, expectUnknown, findingsOf, resource, stack } from '../../support/resources';

const KEYS = 'default_database.access_keys_authentication_enabled';
const target = cache();

/** azurerm_managed_redis_access_policy_assignment (azurerm 4.60 and later). */
const azurermAssignment = (managedRedisId: string) =>
  resource('azurerm_managed_redis_access_policy_assignment', { managed_redis_id: managedRedisId, object_id: '00000000-0000-0000-0000-000000000002' }, { name: 'app' });

describe('AMR-SEC-005 with access keys off, an identity has data access', () => {
  describe('compliant', () => {
    it('passes a cache with the azapi assignment the constructs synthesize', () => {
      expect(check(entraDataAccess, target, { others: [accessPolicyAssignment(target)] })).toEqual({ status: 'pass' });
    });

    it('passes an azapi assignment on the literal database ID of the cache, in any API version', () => {
      const literal = resource('azapi_resource', {
        type: 'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments@2025-04-01',
        name: 'app',
        parent_id: `${armId('orders-cache')}/databases/default`,
        body: { properties: { accessPolicyName: 'default', user: { objectId: 'x' } } },
      });
      expect(check(entraDataAccess, target, { others: [literal] })).toEqual({ status: 'pass' });
    });

    it('passes the azurerm form on azurerm 4.60 or later', () => {
      expect(checkWith(entraDataAccess, target, { others: [azurermAssignment(`\${${target.address}.id}`)], providerVersion: '4.60.0' })).toEqual({ status: 'pass' });
    });

    it('does not apply while access keys are on (keys are the way in; AMR-SEC-002 warns about them)', () => {
      expect(check(entraDataAccess, cache({ default_database: { access_keys_authentication_enabled: true } }))).toEqual({ status: 'not-applicable' });
    });
  });

  describe('non-compliant', () => {
    it('fails a cache with access keys off (the default) and no assignment, naming the value', () => {
      expectFail(check(entraDataAccess, cache({ default_database: { access_keys_authentication_enabled: undefined } })), KEYS, 'access_keys_authentication_enabled = false', 'no access policy assignment');
    });

    it('does not count an assignment of another cache, nor another azapi type on this one', () => {
      const other = cache({ name: 'other-cache' }, { name: 'other' });
      const diag = resource('azapi_resource', { type: 'Microsoft.Cache/redisEnterprise/databases@2025-07-01', name: 'default', parent_id: `\${${target.address}.id}`, body: {} }, { name: 'db' });
      expectFail(check(entraDataAccess, target, { others: [other, accessPolicyAssignment(other), diag] }), KEYS, 'no access policy assignment');
    });

    it('fails the azurerm form on azurerm 4.55, which does not have the resource', () => {
      expectFail(checkWith(entraDataAccess, target, { others: [azurermAssignment(`\${${target.address}.id}`)], providerVersion: '4.55.0' }), KEYS, '4.60.0', 'azurerm_managed_redis_access_policy_assignment.app');
    });

    it('is a warning in dev and production and an error in mission-critical', () => {
      const view = stack(target);
      expect(findingsOf(view, 'AMR-SEC-005', 'dev')).toEqual([expect.objectContaining({ status: 'fail', severity: 'warning' })]);
      expect(findingsOf(view, 'AMR-SEC-005', 'production')).toEqual([expect.objectContaining({ status: 'fail', severity: 'warning' })]);
      expect(findingsOf(view, 'AMR-SEC-005', 'mission-critical')).toEqual([expect.objectContaining({ status: 'fail', severity: 'error' })]);
    });
  });

  describe('unknown', () => {
    it('is unknown when access_keys_authentication_enabled is not known until apply', () => {
      expectUnknown(check(entraDataAccess, cache({ default_database: { access_keys_authentication_enabled: '${var.keys}' } })), KEYS);
    });

    it('is unknown when an assignment targets a database known only at apply (a variable)', () => {
      const maybe = resource('azapi_resource', { type: 'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments@2025-07-01', name: 'app', parent_id: '${var.database_id}', body: {} });
      expectUnknown(check(entraDataAccess, target, { others: [maybe] }), 'parent_id');
      expectUnknown(check(entraDataAccess, target, { others: [azurermAssignment('${var.cache_id}')] }), 'parent_id');
    });
  });
});
