import { oneLinkResource } from '../../../src/rules/geo/one-link-resource';
import { armId, cache, check, expectFail, findingsOf, geoLink, geoMember, stack } from '../../support/resources';

const a = geoMember('a');
const b = geoMember('b', { location: 'northeurope' });
const c = geoMember('c', { location: 'swedencentral' });

describe('AMR-GRP-008 exactly one geo-replication resource per group', () => {
  it('passes with one link resource for the group', () => {
    expect(check(oneLinkResource, a, { others: [b, geoLink(a, [b])] })).toEqual({ status: 'pass' });
  });

  it('passes with one link resource naming members by literal ARM ID', () => {
    expect(check(oneLinkResource, a, { others: [b, geoLink(armId('cache-a'), [armId('cache-b')])] })).toEqual({ status: 'pass' });
  });

  it('passes for a lone member (the rest of its group may be in another stack)', () => {
    expect(check(oneLinkResource, a)).toEqual({ status: 'pass' });
  });

  it('fails without a link resource for a 2-member group, naming the group and member count', () => {
    expectFail(check(oneLinkResource, a, { others: [b] }), 'default_database.geo_replication_group_name', "'orders-geo'", '2 members', 'no azurerm_managed_redis_geo_replication');
  });

  it('fails with two link resources for a 2-member group, naming both', () => {
    const result = check(oneLinkResource, a, { others: [b, geoLink(a, [b], { name: 'one' }), geoLink(b, [a], { name: 'two' })] });
    expectFail(result, 'default_database.geo_replication_group_name', '2 geo-replication resources', 'azurerm_managed_redis_geo_replication.one', 'azurerm_managed_redis_geo_replication.two', 'exactly one');
  });

  it('counts a second link that covers only part of the group', () => {
    const result = check(oneLinkResource, a, { others: [b, c, geoLink(a, [b, c], { name: 'one' }), geoLink(c, [armId('elsewhere')], { name: 'two' })] });
    expectFail(result, 'default_database.geo_replication_group_name', '2 geo-replication resources');
  });

  it('ignores link resources of another group', () => {
    const x = geoMember('x', { default_database: { geo_replication_group_name: 'payments-geo' } });
    const y = geoMember('y', { location: 'northeurope', default_database: { geo_replication_group_name: 'payments-geo' } });
    expect(check(oneLinkResource, a, { others: [b, x, y, geoLink(a, [b], { name: 'orders' }), geoLink(x, [y], { name: 'payments' })] })).toEqual({ status: 'pass' });
  });

  it('is reported once, on the first member by address, whatever the stack order', () => {
    expect(check(oneLinkResource, b, { others: [a] })).toEqual({ status: 'not-applicable' });
    const findings = findingsOf(stack(c, b, a), 'AMR-GRP-008', 'dev');
    expect(findings).toEqual([expect.objectContaining({ resource: 'azurerm_managed_redis.a', status: 'fail', severity: 'error' })]);
    expect(findings[0].message).toContain('3 members');
  });

  it('reports two link resources once, on the first member', () => {
    const findings = findingsOf(stack(a, b, geoLink(a, [b], { name: 'one' }), geoLink(b, [a], { name: 'two' })), 'AMR-GRP-008');
    expect(findings.map((f) => f.resource)).toEqual(['azurerm_managed_redis.a']);
  });

  it('is not applicable to a cache without a group name', () => {
    expect(check(oneLinkResource, cache(), { others: [a, b] })).toEqual({ status: 'not-applicable' });
  });

  it('is not applicable to a cache whose group name is unresolved (other rules report it)', () => {
    expect(check(oneLinkResource, geoMember('a', { default_database: { geo_replication_group_name: '${var.g}' } }), { others: [b] })).toEqual({ status: 'not-applicable' });
  });
});
