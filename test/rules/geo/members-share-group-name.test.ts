import { membersShareGroupName } from '../../../src/rules/geo/members-share-group-name';
import { armId, cache, check, expectFail, expectUnknown, findingsOf, geoLink, geoMember, resource, stack } from '../../support/resources';

const a = geoMember('a');
const b = geoMember('b', { location: 'northeurope' });
const c = geoMember('c', { location: 'swedencentral' });

describe('AMR-GRP-003 all members share one non-empty group name', () => {
  it('passes when every linked cache has the same group name', () => {
    expect(check(membersShareGroupName, geoLink(a, [b, c]), { others: [a, b, c] })).toEqual({ status: 'pass' });
  });

  it('fails when members use different group names, naming each name and its caches', () => {
    const other = geoMember('c', { location: 'swedencentral', default_database: { geo_replication_group_name: 'payments-geo' } });
    expectFail(
      check(membersShareGroupName, geoLink(a, [b, other]), { others: [a, b, other] }),
      'linked_managed_redis_ids',
      "'orders-geo' (cache-a, cache-b)",
      "'payments-geo' (cache-c)",
    );
  });

  it('fails when a linked cache has no group name, naming it', () => {
    const plain = cache({ name: 'cache-plain', location: 'northeurope' }, { name: 'plain' });
    expectFail(check(membersShareGroupName, geoLink(a, [plain]), { others: [a, plain] }), 'linked_managed_redis_ids', "'cache-plain'", 'no geo_replication_group_name');
  });

  it('fails when the linking cache has no group name, also found by literal ARM ID', () => {
    const plain = cache({ name: 'cache-plain' }, { name: 'plain' });
    expectFail(check(membersShareGroupName, geoLink(armId('cache-plain'), [b]), { others: [plain, b] }), 'linked_managed_redis_ids', "'cache-plain'");
  });

  it('names every cache without a group name', () => {
    const p = cache({ name: 'cache-p' }, { name: 'p' });
    const q = cache({ name: 'cache-q', location: 'northeurope' }, { name: 'q' });
    expectFail(check(membersShareGroupName, geoLink(p, [q]), { others: [p, q] }), 'linked_managed_redis_ids', "'cache-p', 'cache-q'", 'have no');
  });

  it('is not applicable when no linked cache is a resource of this stack', () => {
    expect(check(membersShareGroupName, geoLink(armId('elsewhere-a'), [armId('elsewhere-b')]))).toEqual({ status: 'not-applicable' });
  });

  it('is unknown when a member group name is unresolved', () => {
    const unresolved = geoMember('b', { location: 'northeurope', default_database: { geo_replication_group_name: '${var.group}' } });
    expectUnknown(check(membersShareGroupName, geoLink(a, [unresolved]), { others: [a, unresolved] }), 'default_database.geo_replication_group_name');
  });

  it('is unknown when the linked list is unresolved and no member is known', () => {
    const link = resource('azurerm_managed_redis_geo_replication', { managed_redis_id: '${var.id}', linked_managed_redis_ids: '${var.ids}' }, { name: 'link' });
    expectUnknown(check(membersShareGroupName, link), 'linked_managed_redis_ids');
  });

  it('is unknown (not pass) when the linked list is unresolved, even if the linking cache has a group name', () => {
    const link = resource('azurerm_managed_redis_geo_replication', { managed_redis_id: '${azurerm_managed_redis.a.id}', linked_managed_redis_ids: '${var.ids}' }, { name: 'link' });
    expectUnknown(check(membersShareGroupName, link, { others: [a] }), 'linked_managed_redis_ids');
  });

  it('still fails when the linked list is unresolved but the linking cache has no group name (the failure is certain)', () => {
    const plain = cache({ name: 'cache-plain' }, { name: 'plain' });
    const link = resource('azurerm_managed_redis_geo_replication', { managed_redis_id: '${azurerm_managed_redis.plain.id}', linked_managed_redis_ids: '${var.ids}' }, { name: 'link' });
    expectFail(check(membersShareGroupName, link, { others: [plain] }), 'linked_managed_redis_ids', "'cache-plain'");
  });

  it('is reported as an error on the geo-replication resource', () => {
    const other = geoMember('b', { location: 'northeurope', default_database: { geo_replication_group_name: 'other' } });
    expect(findingsOf(stack(a, other, geoLink(a, [other])), 'AMR-GRP-003', 'dev')).toEqual([
      expect.objectContaining({ resource: 'azurerm_managed_redis_geo_replication.link', severity: 'error', status: 'fail' }),
    ]);
  });
});
