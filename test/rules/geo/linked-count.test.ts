import { linkedCount } from '../../../src/rules/geo/linked-count';
import { armId, check, expectFail, expectUnknown, findingsOf, geoLink, geoMember, resource, stack } from '../../support/resources';

const REGIONS = ['westeurope', 'northeurope', 'swedencentral', 'francecentral', 'uksouth', 'germanywestcentral'];
const members = (n: number) => Array.from({ length: n }, (_, i) => geoMember(`m${i}`, { location: REGIONS[i] }));

describe('AMR-GRP-001 linked_managed_redis_ids has 1 to 4 entries', () => {
  it.each([2, 3, 4, 5])('passes for a group of %i members', (n) => {
    const [primary, ...linked] = members(n);
    expect(check(linkedCount, geoLink(primary, linked), { others: members(n) })).toEqual({ status: 'pass' });
  });

  it('fails for six members (5 linked ids), naming the counts', () => {
    const [primary, ...linked] = members(6);
    expect(linked).toHaveLength(5);
    expectFail(check(linkedCount, geoLink(primary, linked), { others: members(6) }), 'linked_managed_redis_ids', '6 members', '5 linked ids', '2 to 5');
  });

  it('fails for an empty list (a group of one)', () => {
    const [primary] = members(1);
    expectFail(check(linkedCount, geoLink(primary, []), { others: [primary] }), 'linked_managed_redis_ids', '1 member', '0 linked ids');
  });

  it('fails when linked_managed_redis_ids is missing', () => {
    const link = resource('azurerm_managed_redis_geo_replication', { managed_redis_id: armId('cache-a') }, { name: 'link' });
    expectFail(check(linkedCount, link), 'linked_managed_redis_ids', 'missing');
  });

  it('counts literal ARM IDs like references', () => {
    expect(check(linkedCount, geoLink(armId('a'), [armId('b'), armId('c')]))).toEqual({ status: 'pass' });
  });

  it('is unknown when the whole list is unresolved', () => {
    const link = resource('azurerm_managed_redis_geo_replication', { managed_redis_id: armId('a'), linked_managed_redis_ids: '${var.linked_ids}' }, { name: 'link' });
    expectUnknown(check(linkedCount, link), 'linked_managed_redis_ids');
  });

  it('is reported as an error on the geo-replication resource', () => {
    const all = members(6);
    const findings = findingsOf(stack(...all, geoLink(all[0], all.slice(1))), 'AMR-GRP-001', 'dev');
    expect(findings).toEqual([expect.objectContaining({ resource: 'azurerm_managed_redis_geo_replication.link', severity: 'error', status: 'fail' })]);
  });
});
