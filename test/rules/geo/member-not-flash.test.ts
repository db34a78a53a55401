import { geoMemberNotFlash } from '../../../src/rules/geo/member-not-flash';
import { cache, check, expectFail, expectUnknown, findingsOf, geoMember, stack } from '../../support/resources';

describe('AMR-GEO-002 geo member SKU is not FlashOptimized', () => {
  it.each(['Balanced_B10', 'MemoryOptimized_M20', 'ComputeOptimized_X5'])('passes for a geo member with %s', (sku_name) => {
    expect(check(geoMemberNotFlash, geoMember('a', { sku_name }))).toEqual({ status: 'pass' });
  });

  it.each(['FlashOptimized_A250', 'FlashOptimized_A4500'])('fails for a geo member with %s, naming the SKU and the cache', (sku_name) => {
    expectFail(check(geoMemberNotFlash, geoMember('a', { sku_name })), 'sku_name', sku_name, "'cache-a'", "'orders-geo'", 'Flash Optimized');
  });

  it('is not applicable to a Flash cache without a group name', () => {
    expect(check(geoMemberNotFlash, cache({ sku_name: 'FlashOptimized_A250' }))).toEqual({ status: 'not-applicable' });
  });

  it('is not applicable to a geo member without sku_name', () => {
    expect(check(geoMemberNotFlash, geoMember('a', { sku_name: undefined }))).toEqual({ status: 'not-applicable' });
  });

  it('is unknown for an unresolved sku_name', () => {
    expectUnknown(check(geoMemberNotFlash, geoMember('a', { sku_name: '${local.sku}' })), 'sku_name');
  });

  it('is unknown for an unresolved group name', () => {
    expectUnknown(check(geoMemberNotFlash, geoMember('a', { sku_name: 'FlashOptimized_A250', default_database: { geo_replication_group_name: '${var.g}' } })), 'default_database.geo_replication_group_name');
  });

  it('is reported as an error on the Flash member only', () => {
    const flash = geoMember('b', { sku_name: 'FlashOptimized_A250', location: 'northeurope' });
    const findings = findingsOf(stack(geoMember('a'), flash), 'AMR-GEO-002');
    expect(findings.map((f) => [f.resource, f.severity, f.status])).toEqual([['azurerm_managed_redis.b', 'error', 'fail']]);
  });
});
