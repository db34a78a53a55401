import { membersDifferentRegions } from '../../../src/rules/geo/members-different-regions';
import { cache, check, expectFail, expectUnknown, findingsOf, geoLink, geoMember, stack } from '../../support/resources';

const a = geoMember('a', { location: 'westeurope' });
const b = geoMember('b', { location: 'northeurope' });

describe('AMR-GRP-006 members are in different regions', () => {
  it('passes when every member is in its own region', () => {
    const c = geoMember('c', { location: 'swedencentral' });
    expect(check(membersDifferentRegions, a, { others: [b, c] })).toEqual({ status: 'pass' });
    expect(check(membersDifferentRegions, b, { others: [a, c] })).toEqual({ status: 'pass' });
  });

  it('fails when two members are in one region, naming both caches and the region', () => {
    const twin = geoMember('c', { location: 'westeurope' });
    expectFail(check(membersDifferentRegions, a, { others: [b, twin] }), 'location', "'cache-a'", "'cache-c'", 'westeurope', "'orders-geo'");
  });

  it('normalises locations: "West Europe" is westeurope', () => {
    const twin = geoMember('c', { location: 'West Europe' });
    expectFail(check(membersDifferentRegions, twin, { others: [a] }), 'location', "'cache-a'", 'westeurope');
  });

  it('ignores a cache of another group (or none) in the same region', () => {
    const otherGroup = geoMember('c', { location: 'westeurope', default_database: { geo_replication_group_name: 'payments-geo' } });
    const plain = cache({ name: 'plain', location: 'westeurope' }, { name: 'plain' });
    expect(check(membersDifferentRegions, a, { others: [b, otherGroup, plain] })).toEqual({ status: 'pass' });
  });

  it('is not applicable to a cache without a group name', () => {
    expect(check(membersDifferentRegions, cache(), { others: [a] })).toEqual({ status: 'not-applicable' });
  });

  it('is not applicable without a location', () => {
    expect(check(membersDifferentRegions, geoMember('c', { location: undefined }), { others: [a] })).toEqual({ status: 'not-applicable' });
  });

  it('is unknown for an unresolved location', () => {
    expectUnknown(check(membersDifferentRegions, geoMember('c', { location: '${azurerm_resource_group.rg.location}' }), { others: [a] }), 'location');
  });

  it('is a warning, on each member in the shared region', () => {
    const twin = geoMember('c', { location: 'westeurope' });
    const findings = findingsOf(stack(a, b, twin, geoLink(a, [b, twin])), 'AMR-GRP-006', 'mission-critical');
    expect(findings.map((f) => [f.resource, f.severity, f.status])).toEqual([
      ['azurerm_managed_redis.a', 'warning', 'fail'],
      ['azurerm_managed_redis.c', 'warning', 'fail'],
    ]);
  });
});
