import { exportRetentionPolicy } from '../../../src/rules/backup/retention-policy';
import { cache, check, expectFail, expectUnknown, findingsOf, resource, stack } from '../../support/resources';
import { handWrittenBackup, piece } from './support';

const accountOf = (backup: ReturnType<typeof handWrittenBackup>) => piece(backup, 'azurerm_storage_account', 'exports');
const rule = (patch: Record<string, unknown>) => ({
  name: 'r',
  enabled: true,
  filters: { blob_types: ['blockBlob'] },
  actions: { base_blob: { delete_after_days_since_modification_greater_than: 30 } },
  ...patch,
});

describe('AMR-BAK-005 exported blobs have a retention (lifecycle) policy', () => {
  it('passes with a rule deleting exported block blobs', () => {
    const c = cache();
    const backup = handWrittenBackup(c);
    expect(check(exportRetentionPolicy, accountOf(backup), { others: [c, ...backup] })).toEqual({ status: 'pass' });
  });

  it('passes with the rule written as lists (HCL JSON and plans)', () => {
    const c = cache();
    const backup = handWrittenBackup(c, {}, ['policy']);
    const policy = resource('azurerm_storage_management_policy', { storage_account_id: '${azurerm_storage_account.exports.id}', rule: [rule({ actions: [{ base_blob: [{ delete_after_days_since_creation_greater_than: 14 }] }], filters: [{ blob_types: ['blockBlob'] }] })] });
    expect(check(exportRetentionPolicy, accountOf(backup), { others: [c, ...backup, policy] })).toEqual({ status: 'pass' });
  });

  it('fails without a lifecycle policy, as a warning', () => {
    const c = cache();
    const backup = handWrittenBackup(c, {}, ['policy']);
    expectFail(check(exportRetentionPolicy, accountOf(backup), { others: [c, ...backup] }), undefined, "'ordersexports'", 'kept forever');
    expect(findingsOf(stack(c, ...backup), 'AMR-BAK-005', 'mission-critical')).toEqual([expect.objectContaining({ status: 'fail', severity: 'warning' })]);
  });

  it('fails when the policy only tiers, or its deleting rule is disabled', () => {
    for (const r of [rule({ actions: { base_blob: { tier_to_cool_after_days_since_modification_greater_than: 7 } } }), rule({ enabled: false })]) {
      const c = cache();
      const backup = handWrittenBackup(c, {}, ['policy']);
      const policy = resource('azurerm_storage_management_policy', { storage_account_id: '${azurerm_storage_account.exports.id}', rule: [r] });
      expect(check(exportRetentionPolicy, accountOf(backup), { others: [c, ...backup, policy] }).status).toBe('fail');
    }
  });

  it('fails when the construct’s policy misses its exports container', () => {
    const c = cache();
    const account = resource('azurerm_storage_account', { name: 'x', location: 'westeurope' }, { name: 'x', amr: { backup: { part: 'export-storage', exportedCache: c.address, container: 'redis-exports' } } });
    const policy = resource('azurerm_storage_management_policy', { storage_account_id: '${azurerm_storage_account.x.id}', rule: [rule({ filters: { blob_types: ['blockBlob'], prefix_match: ['other/'] } })] });
    expect(check(exportRetentionPolicy, account, { others: [c, policy] }).status).toBe('fail');
    const covering = resource('azurerm_storage_management_policy', { storage_account_id: '${azurerm_storage_account.x.id}', rule: [rule({ filters: { blob_types: ['blockBlob'], prefix_match: ['redis-exports/orders-cache/'] } })] }, { name: 'ok' });
    expect(check(exportRetentionPolicy, account, { others: [c, covering] })).toEqual({ status: 'pass' });
  });

  it('is unknown when a policy’s account or rules are known only at apply', () => {
    const c = cache();
    const backup = handWrittenBackup(c, {}, ['policy']);
    const byVariable = resource('azurerm_storage_management_policy', { storage_account_id: '${var.account_id}', rule: [rule({})] });
    expectUnknown(check(exportRetentionPolicy, accountOf(backup), { others: [c, ...backup, byVariable] }), 'storage_account_id');
    const unknownRules = resource('azurerm_storage_management_policy', { storage_account_id: '${azurerm_storage_account.exports.id}', rule: '${var.rules}' });
    expectUnknown(check(exportRetentionPolicy, accountOf(backup), { others: [c, ...backup, unknownRules] }), 'rule');
  });
});
