import { exportStorageSameRegion } from '../../../src/rules/backup/storage-same-region';
import { cache, check, expectFail, expectUnknown, findingsOf, resource, stack } from '../../support/resources';
import { handWrittenBackup, piece } from './support';

const storageOf = (resources: ReturnType<typeof handWrittenBackup>) => piece(resources, 'azurerm_storage_account', 'exports');

describe('AMR-BAK-002 export storage account in the same region as the cache', () => {
  it('passes when the export storage is in the cache’s region (names compared normalized)', () => {
    const c = cache();
    const backup = handWrittenBackup(c, { storage: { location: 'West Europe' } });
    expect(check(exportStorageSameRegion, storageOf(backup), { others: [c, ...backup.filter((r) => r !== storageOf(backup))] })).toEqual({ status: 'pass' });
  });

  it('fails for hand-written export storage in another region, naming both regions', () => {
    const c = cache();
    const backup = handWrittenBackup(c, { storage: { location: 'northeurope' } });
    const account = storageOf(backup);
    expectFail(check(exportStorageSameRegion, account, { others: [c, ...backup.filter((r) => r !== account)] }), 'location', 'northeurope', 'westeurope', "'orders-cache'");
    expect(findingsOf(stack(c, ...backup), 'AMR-BAK-002', 'dev')).toEqual([expect.objectContaining({ status: 'fail', severity: 'error' })]);
  });

  it('fails for the construct’s export storage (marked) in another region', () => {
    const c = cache();
    const account = resource('azurerm_storage_account', { name: 'x', location: 'eastus2' }, { name: 'x', amr: { backupOf: [c.address], backup: { part: 'export-storage', exportedCache: c.address } } });
    expect(check(exportStorageSameRegion, account, { others: [c] }).status).toBe('fail');
  });

  it('is not applicable to a storage account that holds no exports', () => {
    const c = cache();
    const backup = handWrittenBackup(c, { storage: { location: 'northeurope' } }, ['delegator', 'dataAccess']);
    expect(check(exportStorageSameRegion, storageOf(backup), { others: [c, ...backup] })).toEqual({ status: 'not-applicable' });
  });

  it('is unknown when the storage location is known only at apply', () => {
    const c = cache();
    const backup = handWrittenBackup(c, { storage: { location: '${azurerm_resource_group.rg.location}' } });
    expectUnknown(check(exportStorageSameRegion, storageOf(backup), { others: [c, ...backup] }), 'location');
  });

  it('is unknown when the cache location is known only at apply', () => {
    const c = cache({ location: '${var.location}' });
    const backup = handWrittenBackup(c);
    expectUnknown(check(exportStorageSameRegion, storageOf(backup), { others: [c, ...backup] }), 'location');
  });
});
