import { linkWorkaround } from '../../../src/rules/geo/link-workaround';
import { versionAtLeast } from '../../../src/rules/geo/common';
import { armId, checkWith, expectFail, expectUnknown, findingsOf, forceLink, geoLink, geoMember, resource, stack } from '../../support/resources';
import type { TerraformResource } from '../../../src/rules/terraform';

const a = geoMember('a', { location: 'westeurope' });
const b = geoMember('b', { location: 'northeurope' });
const c = geoMember('c', { location: 'swedencentral' });
const linkB = forceLink(b);
const linkC = forceLink(c, { dependsOn: [linkB.address] });

/** Judges the link resource in a stack of the three members plus `extra`. */
const judge = (link: TerraformResource, extra: TerraformResource[] = [], providerVersion?: string) => checkWith(linkWorkaround, link, { others: [a, b, c, ...extra], providerVersion });

describe('AMR-GRP-009 a group of 3+ members on azurerm < 4.61 needs the workaround', () => {
  it('fails for a 3-member group on 4.55 without azapi actions, naming the members without a force-link', () => {
    expectFail(judge(geoLink(a, [b, c])), 'linked_managed_redis_ids', 'a group of 3 members', '4.55.0', '4.61.0', 'azurerm_managed_redis.b', 'azurerm_managed_redis.c');
  });

  it('fails when only some linked members have a force-link, naming the missing one', () => {
    const result = judge(geoLink(a, [b, c], { dependsOn: [linkB.address] }), [linkB]);
    expectFail(result, 'linked_managed_redis_ids', 'azurerm_managed_redis.c');
    expect(result.status === 'fail' && result.message).not.toContain('azurerm_managed_redis.b');
  });

  it('fails with the actions but without depends_on on them, naming the actions', () => {
    expectFail(judge(geoLink(a, [b, c]), [linkB, linkC]), 'depends_on', 'azapi_resource_action.link_b', 'azapi_resource_action.link_c');
  });

  it('fails when depends_on lists only some of the actions', () => {
    const result = judge(geoLink(a, [b, c], { dependsOn: [linkB.address] }), [linkB, linkC]);
    expectFail(result, 'depends_on', 'azapi_resource_action.link_c');
  });

  it('passes with the actions and depends_on on them', () => {
    expect(judge(geoLink(a, [b, c], { dependsOn: [linkB.address, linkC.address] }), [linkB, linkC])).toEqual({ status: 'pass' });
  });

  it('accepts depends_on written as HCL interpolations', () => {
    expect(judge(geoLink(a, [b, c], { dependsOn: ['${azapi_resource_action.link_b}', '${azapi_resource_action.link_c}'] }), [linkB, linkC])).toEqual({ status: 'pass' });
  });

  it('ignores azapi actions that are not forceLinkToReplicationGroup', () => {
    const other = forceLink(c, { action: 'flush', name: 'flush_c' });
    expectFail(judge(geoLink(a, [b, c], { dependsOn: [linkB.address, other.address] }), [linkB, other]), 'linked_managed_redis_ids', 'azurerm_managed_redis.c');
  });

  it('passes on azurerm 4.61.0 and later without any workaround', () => {
    for (const version of ['4.61.0', '4.61.1', '4.70.0', '5.0.0']) expect(judge(geoLink(a, [b, c]), [], version)).toEqual({ status: 'pass' });
  });

  it('still needs the workaround on 4.60.x', () => {
    expectFail(judge(geoLink(a, [b, c]), [], '4.60.9'), 'linked_managed_redis_ids', '4.60.9');
  });

  it('is not applicable to a 2-member group', () => {
    expect(judge(geoLink(a, [b]))).toEqual({ status: 'not-applicable' });
  });

  it('is unknown when the linked list is unresolved', () => {
    const link = resource('azurerm_managed_redis_geo_replication', { managed_redis_id: '${azurerm_managed_redis.a.id}', linked_managed_redis_ids: '${var.ids}' }, { name: 'link' });
    expectUnknown(judge(link), 'linked_managed_redis_ids');
  });

  it('is unknown when some linked members are outside the stack (their force-links cannot be seen)', () => {
    expectUnknown(judge(geoLink(a, [b, armId('elsewhere')], { dependsOn: [linkB.address] }), [linkB]), 'linked_managed_redis_ids');
  });

  it('is an error on the link resource (evaluateStack, a stack pinned to 4.55.0)', () => {
    const view = { ...stack(a, b, c, geoLink(a, [b, c])), providerVersion: '4.55.0' };
    expect(findingsOf(view, 'AMR-GRP-009', 'dev')).toEqual([
      expect.objectContaining({ resource: 'azurerm_managed_redis_geo_replication.link', status: 'fail', severity: 'error' }),
    ]);
  });

  it('compares versions numerically', () => {
    expect(versionAtLeast('4.61.0', '4.61.0')).toBe(true);
    expect(versionAtLeast('4.100.0', '4.61.0')).toBe(true);
    expect(versionAtLeast('4.9.0', '4.61.0')).toBe(false);
    expect(versionAtLeast('4.55.0', '4.61.0')).toBe(false);
  });
});
