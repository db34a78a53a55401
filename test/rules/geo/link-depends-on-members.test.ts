import { linkDependsOnMembers } from '../../../src/rules/geo/link-depends-on-members';
import { armId, check, expectFail, expectUnknown, findingsOf, geoLink, geoMember, resource, stack } from '../../support/resources';

const a = geoMember('a');
const b = geoMember('b', { location: 'northeurope' });
const c = geoMember('c', { location: 'swedencentral' });

describe('AMR-GRP-011 the geo-replication resource depends on every member', () => {
  it('passes when members are given by reference', () => {
    expect(check(linkDependsOnMembers, geoLink(a, [b, c]), { others: [a, b, c] })).toEqual({ status: 'pass' });
  });

  it('fails for literal member IDs without depends_on, naming every such member', () => {
    const link = geoLink(armId('cache-a'), [armId('cache-b'), c]);
    expectFail(check(linkDependsOnMembers, link, { others: [a, b, c] }), 'depends_on', 'azurerm_managed_redis.a', 'azurerm_managed_redis.b', 'literal IDs without depends_on');
  });

  it('does not name members given by reference', () => {
    const result = check(linkDependsOnMembers, geoLink(a, [armId('cache-b')]), { others: [a, b] });
    expectFail(result, 'depends_on', 'azurerm_managed_redis.b');
    expect(result.status === 'fail' && result.message).not.toContain('azurerm_managed_redis.a');
  });

  it('passes for literal member IDs with depends_on on the members', () => {
    const link = geoLink(armId('cache-a'), [armId('cache-b')], { dependsOn: ['azurerm_managed_redis.a', 'azurerm_managed_redis.b'] });
    expect(check(linkDependsOnMembers, link, { others: [a, b] })).toEqual({ status: 'pass' });
  });

  it('accepts depends_on written as HCL interpolations', () => {
    const link = geoLink(armId('cache-a'), [armId('cache-b')], { dependsOn: ['${azurerm_managed_redis.a}', '${azurerm_managed_redis.b}'] });
    expect(check(linkDependsOnMembers, link, { others: [a, b] })).toEqual({ status: 'pass' });
  });

  it('fails when depends_on misses one literal member', () => {
    const link = geoLink(armId('cache-a'), [armId('cache-b')], { dependsOn: ['azurerm_managed_redis.a'] });
    expectFail(check(linkDependsOnMembers, link, { others: [a, b] }), 'depends_on', 'azurerm_managed_redis.b');
  });

  it('passes for literal IDs of caches outside the stack (nothing to wait for here)', () => {
    expect(check(linkDependsOnMembers, geoLink(armId('elsewhere-a'), [armId('elsewhere-b')]), { others: [a] })).toEqual({ status: 'pass' });
  });

  it('is unknown when the linked list is unresolved', () => {
    const link = resource('azurerm_managed_redis_geo_replication', { managed_redis_id: '${azurerm_managed_redis.a.id}', linked_managed_redis_ids: '${var.ids}' }, { name: 'link' });
    expectUnknown(check(linkDependsOnMembers, link, { others: [a] }), 'linked_managed_redis_ids');
  });

  it('is an error on the link resource', () => {
    const findings = findingsOf(stack(a, b, geoLink(armId('cache-a'), [armId('cache-b')])), 'AMR-GRP-011', 'dev');
    expect(findings).toEqual([expect.objectContaining({ resource: 'azurerm_managed_redis_geo_replication.link', status: 'fail', severity: 'error', attribute: 'depends_on' })]);
  });
});
