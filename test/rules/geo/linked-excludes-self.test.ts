import { linkedExcludesSelf } from '../../../src/rules/geo/linked-excludes-self';
import { armId, check, expectFail, expectUnknown, findingsOf, geoLink, geoMember, idOf, resource, stack } from '../../support/resources';

const a = geoMember('a');
const b = geoMember('b', { location: 'northeurope' });
const c = geoMember('c', { location: 'swedencentral' });

describe('AMR-GRP-002 linked ids do not contain managed_redis_id', () => {
  it('passes when the linked ids are the other members', () => {
    expect(check(linkedExcludesSelf, geoLink(a, [b, c]), { others: [a, b, c] })).toEqual({ status: 'pass' });
  });

  it('passes with literal ARM IDs of other caches', () => {
    expect(check(linkedExcludesSelf, geoLink(armId('cache-a'), [armId('cache-b')]), { others: [a, b] })).toEqual({ status: 'pass' });
  });

  it('fails when the linking cache is listed again by reference', () => {
    expectFail(check(linkedExcludesSelf, geoLink(a, [b, a]), { others: [a, b] }), 'linked_managed_redis_ids', 'linking cache itself', idOf(a));
  });

  it('fails when the linking cache is listed by its literal ARM ID', () => {
    const self = armId('cache-a');
    expectFail(check(linkedExcludesSelf, geoLink(a, [b, self]), { others: [a, b] }), 'linked_managed_redis_ids', self);
  });

  it('matches the literal ARM ID case-insensitively (Azure resource names are)', () => {
    const self = armId('CACHE-A');
    expectFail(check(linkedExcludesSelf, geoLink(a, [self]), { others: [a] }), 'linked_managed_redis_ids', self);
  });

  it('fails when both are the same literal ID, even outside the stack', () => {
    expectFail(check(linkedExcludesSelf, geoLink(armId('x'), [armId('y'), armId('x')])), 'linked_managed_redis_ids', armId('x'));
  });

  it('is unknown when the linked list is unresolved', () => {
    const link = resource('azurerm_managed_redis_geo_replication', { managed_redis_id: idOf(a), linked_managed_redis_ids: '${var.ids}' }, { name: 'link' });
    expectUnknown(check(linkedExcludesSelf, link, { others: [a] }), 'linked_managed_redis_ids');
  });

  it('is unknown when managed_redis_id is an unresolved value naming no cache of the stack', () => {
    expectUnknown(check(linkedExcludesSelf, geoLink('${var.primary_id}', [b]), { others: [b] }), 'managed_redis_id');
  });

  it('is reported as an error on the geo-replication resource', () => {
    const findings = findingsOf(stack(a, b, geoLink(a, [a, b])), 'AMR-GRP-002');
    expect(findings).toEqual([expect.objectContaining({ resource: 'azurerm_managed_redis_geo_replication.link', severity: 'error', attribute: 'linked_managed_redis_ids' })]);
  });
});
