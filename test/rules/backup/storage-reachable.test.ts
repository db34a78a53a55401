import { exportStorageReachable } from '../../../src/rules/backup/storage-reachable';
import { cache, check, expectFail, expectUnknown, resource } from '../../support/resources';
import { handWrittenBackup, piece } from './support';

const setup = (patch: Record<string, unknown> = {}) => {
  const c = cache();
  const backup = handWrittenBackup(c, { storage: patch });
  return { c, backup, account: piece(backup, 'azurerm_storage_account', 'exports') };
};

describe('AMR-BAK-004 export storage has no firewall default-deny / private-only access', () => {
  it('passes without network rules, and with default_action Allow', () => {
    for (const patch of [{}, { network_rules: { default_action: 'Allow', bypass: ['AzureServices'] } }]) {
      const { c, backup, account } = setup(patch);
      expect(check(exportStorageReachable, account, { others: [c, ...backup] })).toEqual({ status: 'pass' });
    }
  });

  it('fails with a firewall that denies by default', () => {
    const { c, backup, account } = setup({ network_rules: { default_action: 'Deny', bypass: ['AzureServices'] } });
    expectFail(check(exportStorageReachable, account, { others: [c, ...backup] }), 'network_rules.default_action', 'Deny');
  });

  it('fails when public network access is disabled (private endpoints only)', () => {
    const { c, backup, account } = setup({ public_network_access_enabled: false });
    expectFail(check(exportStorageReachable, account, { others: [c, ...backup] }), 'public_network_access_enabled', 'private endpoints only');
  });

  it('fails with a separate azurerm_storage_account_network_rules that denies', () => {
    const { c, backup, account } = setup();
    const rules = resource('azurerm_storage_account_network_rules', { storage_account_id: '${azurerm_storage_account.exports.id}', default_action: 'Deny' }, { name: 'fw' });
    expectFail(check(exportStorageReachable, account, { others: [c, ...backup, rules] }), 'network_rules.default_action', 'azurerm_storage_account_network_rules.fw');
  });

  it('is unknown when the default action or public access is known only at apply', () => {
    const a = setup({ network_rules: { default_action: '${var.default_action}' } });
    expectUnknown(check(exportStorageReachable, a.account, { others: [a.c, ...a.backup] }), 'network_rules.default_action');
    const b = setup({ public_network_access_enabled: '${var.public}' });
    expectUnknown(check(exportStorageReachable, b.account, { others: [b.c, ...b.backup] }), 'public_network_access_enabled');
  });

  it('is not applicable to storage that holds no exports', () => {
    const c = cache();
    const backup = handWrittenBackup(c, { storage: { public_network_access_enabled: false } }, ['delegator', 'dataAccess']);
    expect(check(exportStorageReachable, piece(backup, 'azurerm_storage_account', 'exports'), { others: [c, ...backup] })).toEqual({ status: 'not-applicable' });
  });
});
