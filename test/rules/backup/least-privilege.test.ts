import { EXPORT_ROLE_ACTIONS } from '../../../src/rules/backup/common';
import { exportLeastPrivilege } from '../../../src/rules/backup/least-privilege';
import { cache, check, expectFail, expectUnknown, findingsOf, resource, stack } from '../../support/resources';
import { handWrittenBackup, piece, PRINCIPAL } from './support';

const assignment = (values: Record<string, unknown>, name = 'extra') => resource('azurerm_role_assignment', { principal_id: PRINCIPAL, ...values }, { name });

describe('AMR-BAK-007 the exporting identity has no broader role than the export actions', () => {
  it('passes for an export role with exactly the five actions, and its assignment', () => {
    const c = cache();
    const backup = handWrittenBackup(c);
    expect(check(exportLeastPrivilege, piece(backup, 'azurerm_role_definition', 'export'), { others: [c, ...backup] })).toEqual({ status: 'pass' });
    expect(check(exportLeastPrivilege, piece(backup, 'azurerm_role_assignment', 'export'), { others: [c, ...backup] })).toEqual({ status: 'not-applicable' });
  });

  it('fails for an export role that grants more than export', () => {
    const c = cache();
    const backup = handWrittenBackup(c, { role: { permissions: [{ actions: [...EXPORT_ROLE_ACTIONS, 'Microsoft.Cache/redisEnterprise/databases/import/action'] }] } });
    expectFail(check(exportLeastPrivilege, piece(backup, 'azurerm_role_definition', 'export'), { others: [c, ...backup] }), 'permissions.actions', 'import/action');
  });

  it('fails when the exporting identity is also Contributor on the cache (a warning)', () => {
    const c = cache();
    const backup = handWrittenBackup(c);
    const extra = assignment({ scope: '${azurerm_managed_redis.cache.id}', role_definition_name: 'Contributor' });
    expectFail(check(exportLeastPrivilege, extra, { others: [c, ...backup] }), 'role_definition_name', 'Contributor', "'orders-cache'");
    expect(findingsOf(stack(c, ...backup, extra), 'AMR-BAK-007', 'mission-critical')).toEqual([expect.objectContaining({ status: 'fail', severity: 'warning' })]);
  });

  it('fails for Owner on the cache’s resource group or subscription, by reference or literal ID', () => {
    const c = cache({ resource_group_name: '${azurerm_resource_group.rg.name}' });
    const backup = handWrittenBackup(c);
    const byRef = assignment({ scope: '${azurerm_resource_group.rg.id}', role_definition_name: 'Owner' });
    expect(check(exportLeastPrivilege, byRef, { others: [c, ...backup] }).status).toBe('fail');
    const literal = cache();
    const literalBackup = handWrittenBackup(literal);
    for (const scope of ['/subscriptions/s/resourceGroups/rg-orders', '/subscriptions/s']) {
      const owner = assignment({ scope, role_definition_id: '/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635' });
      expect(check(exportLeastPrivilege, owner, { others: [literal, ...literalBackup] }).status).toBe('fail');
    }
  });

  it('passes for narrow roles of the exporter and ignores other principals', () => {
    const c = cache();
    const backup = handWrittenBackup(c);
    expect(check(exportLeastPrivilege, assignment({ scope: '${azurerm_managed_redis.cache.id}', role_definition_name: 'Reader' }), { others: [c, ...backup] })).toEqual({ status: 'not-applicable' });
    expect(check(exportLeastPrivilege, assignment({ scope: '/subscriptions/s/resourceGroups/rg-other', role_definition_name: 'Contributor' }), { others: [c, ...backup] })).toEqual({ status: 'pass' });
    const someoneElse = resource('azurerm_role_assignment', { principal_id: '${azurerm_linux_function_app.web.identity[0].principal_id}', scope: '${azurerm_managed_redis.cache.id}', role_definition_name: 'Owner' }, { name: 'web' });
    expect(check(exportLeastPrivilege, someoneElse, { others: [c, ...backup] })).toEqual({ status: 'not-applicable' });
  });

  it('is unknown when the exporter’s role or the role’s permissions are known only at apply', () => {
    const c = cache();
    const backup = handWrittenBackup(c);
    expectUnknown(check(exportLeastPrivilege, assignment({ scope: '${azurerm_managed_redis.cache.id}', role_definition_name: '${var.role}' }), { others: [c, ...backup] }), 'role_definition_name');
    const role = resource('azurerm_role_definition', { name: 'r', scope: '${azurerm_managed_redis.cache.id}', permissions: '${var.permissions}' }, { name: 'r' });
    expectUnknown(check(exportLeastPrivilege, role, { others: [c] }), 'permissions');
  });
});
