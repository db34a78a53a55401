import { geoMemberSkuSize } from '../../../src/rules/geo/member-sku-size';
import type { Profile } from '../../../src/rules/types';
import { cache, check, expectFail, expectUnknown, findingsOf, geoMember, listShaped, stack } from '../../support/resources';

describe('AMR-GEO-001 geo member SKU is not Balanced_B0/B1', () => {
  it.each(['Balanced_B3', 'Balanced_B10', 'MemoryOptimized_M10', 'ComputeOptimized_X3'])('passes for a geo member with %s', (sku_name) => {
    expect(check(geoMemberSkuSize, geoMember('a', { sku_name }))).toEqual({ status: 'pass' });
  });

  it.each(['Balanced_B0', 'Balanced_B1'])('fails for a geo member with %s, naming the SKU, the cache and the group', (sku_name) => {
    expectFail(check(geoMemberSkuSize, geoMember('a', { sku_name })), 'sku_name', sku_name, "'cache-a'", "'orders-geo'");
  });

  it('reads default_database written as a list (HCL JSON, plans)', () => {
    expectFail(check(geoMemberSkuSize, listShaped(geoMember('a', { sku_name: 'Balanced_B1' }))), 'sku_name', 'Balanced_B1');
  });

  it('is not applicable to a cache without a group name, even on Balanced_B0', () => {
    expect(check(geoMemberSkuSize, cache({ sku_name: 'Balanced_B0' }))).toEqual({ status: 'not-applicable' });
  });

  it('is not applicable without a sku_name (AMR-SKU-001 reports that)', () => {
    expect(check(geoMemberSkuSize, geoMember('a', { sku_name: undefined }))).toEqual({ status: 'not-applicable' });
  });

  it('is unknown for an unresolved sku_name', () => {
    expectUnknown(check(geoMemberSkuSize, geoMember('a', { sku_name: '${var.sku}' })), 'sku_name');
  });

  it('is unknown when the group name itself is unresolved', () => {
    expectUnknown(
      check(geoMemberSkuSize, geoMember('a', { sku_name: 'Balanced_B0', default_database: { geo_replication_group_name: '${var.group}' } })),
      'default_database.geo_replication_group_name',
    );
  });

  it.each<Profile>(['dev', 'production', 'mission-critical'])('is an error in %s', (profile) => {
    const findings = findingsOf(stack(geoMember('a', { sku_name: 'Balanced_B0' })), 'AMR-GEO-001', profile);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ status: 'fail', severity: 'error', resource: 'azurerm_managed_redis.a', attribute: 'sku_name' });
  });
});
