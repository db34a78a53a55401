import { legacyResources } from '../../../src/rules/cache/legacy-resources';
import type { Profile } from '../../../src/rules/types';
import { cache, check, expectFail, expectUnknown, findingsOf, resource, stack } from '../../support/resources';

const legacyCluster = (change?: { actions: string[]; before: Record<string, unknown> | null }) =>
  resource('azurerm_redis_enterprise_cluster', { name: 'legacy', location: 'westeurope', sku_name: 'Enterprise_E10-2', minimum_tls_version: '1.2' }, { name: 'legacy', change });
const legacyDatabase = () => resource('azurerm_redis_enterprise_database', { cluster_id: '${azurerm_redis_enterprise_cluster.legacy.id}' }, { name: 'db' });

describe('AMR-LEG-001 legacy Redis Enterprise resources or Enterprise SKUs', () => {
  it('applies to the legacy resource types and to azurerm_managed_redis', () => {
    expect(legacyResources.appliesTo).toEqual(expect.arrayContaining(['azurerm_redis_enterprise_cluster', 'azurerm_redis_enterprise_database', 'azurerm_managed_redis']));
  });

  it('passes an azurerm_managed_redis with an AMR SKU (nothing to migrate)', () => {
    expect(check(legacyResources, cache())).toEqual({ status: 'pass' });
    expect(check(legacyResources, cache({ sku_name: 'FlashOptimized_A250' }))).toEqual({ status: 'pass' });
  });

  it.each([
    ['cluster', legacyCluster()],
    ['database', legacyDatabase()],
  ])('fails a legacy %s resource, naming its type', (_label, legacy) => {
    expectFail(check(legacyResources, legacy), undefined, legacy.type, 'azurerm_managed_redis');
  });

  it.each(['Enterprise_E10', 'EnterpriseFlash_F300'])('fails azurerm_managed_redis with the Enterprise SKU %s', (sku) => {
    expectFail(check(legacyResources, cache({ sku_name: sku })), 'sku_name', `'${sku}'`);
  });

  it('is unknown for an unresolved sku_name', () => {
    expectUnknown(check(legacyResources, cache({ sku_name: '${var.sku}' })), 'sku_name');
  });

  it.each<Profile>(['dev', 'production', 'mission-critical'])('is a warning for existing code in %s', (profile) => {
    expect(findingsOf(stack(legacyCluster()), 'AMR-LEG-001', profile)).toEqual([expect.objectContaining({ status: 'fail', severity: 'warning' })]);
  });

  it('escalates to error for new code: a plan that creates the legacy resource', () => {
    const created = legacyCluster({ actions: ['create'], before: null });
    expect(check(legacyResources, created)).toMatchObject({ status: 'fail', escalate: true });
    expect(findingsOf(stack(created), 'AMR-LEG-001', 'dev')).toEqual([expect.objectContaining({ status: 'fail', severity: 'error' })]);
    const newEnterpriseSku = cache({ sku_name: 'Enterprise_E10' }, { change: { actions: ['create'], before: null } });
    expect(findingsOf(stack(newEnterpriseSku), 'AMR-LEG-001')).toEqual([expect.objectContaining({ severity: 'error', attribute: 'sku_name' })]);
  });

  it('does not escalate for a resource that already exists (update, or no-op)', () => {
    const updated = legacyCluster({ actions: ['update'], before: { name: 'legacy' } });
    expect(check(legacyResources, updated)).toMatchObject({ status: 'fail', escalate: false });
    expect(findingsOf(stack(updated), 'AMR-LEG-001')[0]?.severity).toBe('warning');
  });
});
