import { geoMemberRecreated } from '../../../src/rules/change/geo-member-recreated';
import { expectFail } from '../../support/resources';
import { cacheChange, changeFindings, createCache, geoChange, judge, keepCache, planView, refTo, replaceCache, updateCache } from '../../support/plans';

const B = 'azurerm_managed_redis.b';
const member = (patch: Record<string, unknown> = {}) => ({ default_database: { geo_replication_group_name: 'orders-geo', persistence_redis_database_backup_frequency: '' }, ...patch });

describe('AMR-CHG-017 a geo member deleted and recreated in the same apply', () => {
  it('passes for a member updated in place', () => {
    expect(judge(geoMemberRecreated, planView([updateCache('b', member(), member({ tags: {} }))]), B)).toEqual({ status: 'pass' });
  });

  it('warns when a member is replaced, naming what forces it', () => {
    const view = planView([
      keepCache('a', member()),
      replaceCache('b', member({ sku_name: 'Balanced_B10' }), member({ sku_name: 'Balanced_B20' })),
      geoChange('link', ['update'], { primary: 'a', linked: ['b'] }, { primary: 'a', linked: [refTo('b')] }),
    ]);
    expectFail(judge(geoMemberRecreated, view, B), 'sku_name', "geo member 'cache-b'", "'orders-geo'", 'actions delete, create', 'sku_name Balanced_B10 → Balanced_B20');
    const findings = changeFindings(view, { profile: 'mission-critical' });
    expect(findings.filter((f) => f.ruleId === 'AMR-CHG-017')).toEqual([expect.objectContaining({ severity: 'warning', resource: B })]);
    expect(findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['AMR-CHG-001', 'AMR-CHG-004']));
  });

  it('warns for a forced replacement too, and an unknown value does not hide it', () => {
    const view = planView([cacheChange('b', ['delete', 'create'], member(), member(), { unknown: ['location'] })]);
    expectFail(judge(geoMemberRecreated, view, B), undefined, 'forced by -replace');
  });

  it('is not applicable to a new member or to a cache that was not a member', () => {
    expect(judge(geoMemberRecreated, planView([createCache('b', member())]), B)).toEqual({ status: 'not-applicable' });
    expect(judge(geoMemberRecreated, planView([replaceCache('b', { location: 'westeurope' }, { location: 'northeurope' })]), B)).toEqual({ status: 'not-applicable' });
  });
});
