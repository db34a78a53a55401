import { exportStorageGeoRedundant } from '../../../src/rules/backup/storage-geo-redundant';
import { cache, check, expectFail, expectUnknown, findingsOf, stack } from '../../support/resources';
import { handWrittenBackup, piece } from './support';

const setup = (replication: string, cacheProfile?: 'mission-critical') => {
  const c = cache({}, cacheProfile ? { amr: { profile: cacheProfile } } : {});
  const backup = handWrittenBackup(c, { storage: { account_replication_type: replication } });
  return { c, backup, account: piece(backup, 'azurerm_storage_account', 'exports') };
};

describe('AMR-BAK-003 export storage is geo-redundant', () => {
  it.each(['GRS', 'RAGRS', 'GZRS', 'RAGZRS'])('passes with %s', (replication) => {
    const { c, backup, account } = setup(replication);
    expect(check(exportStorageGeoRedundant, account, { others: [c, ...backup] })).toEqual({ status: 'pass' });
  });

  it.each(['LRS', 'ZRS'])('fails with %s, a warning in production', (replication) => {
    const { c, backup, account } = setup(replication);
    expectFail(check(exportStorageGeoRedundant, account, { others: [c, ...backup] }), 'account_replication_type', replication, 'no copy outside the region');
    expect(findingsOf(stack(c, ...backup), 'AMR-BAK-003', 'production')).toEqual([expect.objectContaining({ status: 'fail', severity: 'warning' })]);
  });

  it('is an error in mission-critical, and when a mission-critical cache is exported to it', () => {
    const { c, backup } = setup('LRS');
    expect(findingsOf(stack(c, ...backup), 'AMR-BAK-003', 'mission-critical')).toEqual([expect.objectContaining({ severity: 'error' })]);
    const critical = setup('LRS', 'mission-critical');
    expect(findingsOf({ ...stack(critical.c, ...critical.backup), profile: 'production' }, 'AMR-BAK-003')).toEqual([expect.objectContaining({ severity: 'error' })]);
  });

  it('is unknown when the replication type is known only at apply', () => {
    const { c, backup, account } = setup('${var.replication}');
    expectUnknown(check(exportStorageGeoRedundant, account, { others: [c, ...backup] }), 'account_replication_type');
  });

  it('is not applicable to storage that holds no exports', () => {
    const c = cache();
    const backup = handWrittenBackup(c, { storage: { account_replication_type: 'LRS' } }, ['delegator', 'dataAccess']);
    expect(check(exportStorageGeoRedundant, piece(backup, 'azurerm_storage_account', 'exports'), { others: [c, ...backup] })).toEqual({ status: 'not-applicable' });
  });
});
