import { readOnlyLock } from '../../../src/rules/cache/read-only-lock';
import { accessPolicyAssignment, cache, check, expectFail, expectUnknown, findingsOf, geoMember, idOf, resource, stack } from '../../support/resources';
import { handWrittenBackup } from '../backup/support';

const target = cache();
const lock = (level: string, scope = idOf(target), name = 'lock') => resource('azurerm_management_lock', { name: `lock-${name}`, scope, lock_level: level }, { name });
const keysOnly = cache({ default_database: { access_keys_authentication_enabled: true } });

describe('AMR-OPS-002 a ReadOnly lock does not block what the cache needs', () => {
  describe('compliant', () => {
    it('passes a CanNotDelete lock on an exported cache', () => {
      expect(check(readOnlyLock, target, { others: [lock('CanNotDelete'), ...handWrittenBackup(target)] })).toEqual({ status: 'pass' });
    });

    it('passes a ReadOnly lock on a cache that needs no POST action (no export, not geo, Entra ID access)', () => {
      expect(check(readOnlyLock, target, { others: [lock('ReadOnly'), accessPolicyAssignment(target)] })).toEqual({ status: 'pass' });
    });

    it('passes access keys with an access policy assignment beside them (Entra ID still works without listKeys)', () => {
      expect(check(readOnlyLock, keysOnly, { others: [lock('ReadOnly', idOf(keysOnly)), accessPolicyAssignment(keysOnly)] })).toEqual({ status: 'pass' });
    });

    it('passes an unlocked cache', () => {
      expect(check(readOnlyLock, target, { others: handWrittenBackup(target) })).toEqual({ status: 'pass' });
    });
  });

  describe('non-compliant', () => {
    it('fails ReadOnly with a scheduled export (export is a POST)', () => {
      expectFail(check(readOnlyLock, target, { others: [lock('ReadOnly'), ...handWrittenBackup(target)] }), 'lock_level', 'azurerm_management_lock.lock', 'ReadOnly', 'export');
    });

    it('fails ReadOnly with access keys as the only authentication (listKeys is a POST)', () => {
      expectFail(check(readOnlyLock, keysOnly, { others: [lock('ReadOnly', idOf(keysOnly))] }), 'lock_level', 'listKeys');
    });

    it('fails ReadOnly on a geo member (force-unlink is a POST)', () => {
      const member = geoMember('a');
      expectFail(check(readOnlyLock, member, { others: [lock('ReadOnly', idOf(member)), accessPolicyAssignment(member)] }), 'lock_level', "geo group 'orders-geo'", 'force-unlinked');
    });

    it('fails a ReadOnly lock on the resource group (inherited), by reference and by literal ID', () => {
      const group = resource('azurerm_resource_group', { name: 'rg-orders', location: 'westeurope' }, { name: 'rg' });
      const byRef = cache({ resource_group_name: '${azurerm_resource_group.rg.name}' });
      expectFail(check(readOnlyLock, byRef, { others: [group, lock('ReadOnly', '${azurerm_resource_group.rg.id}'), ...handWrittenBackup(byRef)] }), 'lock_level', 'export');
      expectFail(check(readOnlyLock, target, { others: [lock('ReadOnly', '/subscriptions/s/resourceGroups/rg-orders'), ...handWrittenBackup(target)] }), 'lock_level', 'export');
    });

    it('lists every conflict at once and is an error in every profile', () => {
      const member = geoMember('b', { default_database: { access_keys_authentication_enabled: true } });
      const result = check(readOnlyLock, member, { others: [lock('ReadOnly', idOf(member)), ...handWrittenBackup(member)] });
      expectFail(result, 'lock_level', 'export', 'force-unlinked', 'listKeys');
      for (const profile of ['dev', 'production', 'mission-critical'] as const) {
        expect(findingsOf(stack(member, lock('ReadOnly', idOf(member))), 'AMR-OPS-002', profile)).toEqual([expect.objectContaining({ status: 'fail', severity: 'error' })]);
      }
    });
  });

  describe('unknown', () => {
    it('is unknown when a lock on the cache has a lock_level known only at apply', () => {
      expectUnknown(check(readOnlyLock, target, { others: [lock('${var.lock_level}'), ...handWrittenBackup(target)] }), 'lock_level');
    });

    it('is unknown when a ReadOnly lock has a scope known only at apply and the cache needs a POST action', () => {
      expectUnknown(check(readOnlyLock, target, { others: [lock('ReadOnly', '${var.scope}'), ...handWrittenBackup(target)] }), 'scope');
    });

    it('is unknown when the cache is ReadOnly-locked and its geo group is not known until apply', () => {
      const member = cache({ default_database: { geo_replication_group_name: '${var.group}' } });
      expectUnknown(check(readOnlyLock, member, { others: [lock('ReadOnly', idOf(member))] }), 'default_database.geo_replication_group_name');
    });
  });
});
