import { geoPrimaryChanged } from '../../../src/rules/change/geo-primary-changed';
import { expectFail, expectUnknown } from '../../support/resources';
import { changeFindings, createCache, geoChange, judge, keepCache, planView, refTo, replaceCache } from '../../support/plans';

const LINK = 'azurerm_managed_redis_geo_replication.link';
const member = { default_database: { geo_replication_group_name: 'orders-geo', persistence_redis_database_backup_frequency: '' } };

describe('AMR-CHG-009 managed_redis_id of the geo-replication resource changed', () => {
  it('passes when managed_redis_id stays', () => {
    const view = planView([keepCache('a', member), keepCache('b', member), keepCache('c', member), geoChange('link', ['update'], { primary: 'a', linked: ['b'] }, { primary: 'a', linked: ['b', 'c'] })]);
    expect(judge(geoPrimaryChanged, view, LINK)).toEqual({ status: 'pass' });
  });

  it('fails when managed_redis_id points at another cache (the resource is replaced)', () => {
    const view = planView([keepCache('a', member), keepCache('b', member), geoChange('link', ['delete', 'create'], { primary: 'a', linked: ['b'] }, { primary: 'b', linked: ['a'] })]);
    expectFail(judge(geoPrimaryChanged, view, LINK), 'managed_redis_id', `managed_redis_id of '${LINK}'`, 'cache-a → cache-b', 'force-unlinked');
    expect(changeFindings(view, { profile: 'dev' }).filter((f) => f.ruleId === 'AMR-CHG-009')).toEqual([expect.objectContaining({ severity: 'error', status: 'fail' })]);
  });

  it('fails when the primary cache is replaced, so managed_redis_id is known only after apply and the resource is replaced', () => {
    const view = planView([
      replaceCache('a', { ...member, location: 'westeurope' }, { ...member, location: 'northeurope' }),
      keepCache('b', member),
      geoChange('link', ['delete', 'create'], { primary: 'a', linked: ['b'] }, { primary: refTo('a'), linked: ['b'] }),
    ]);
    expectFail(judge(geoPrimaryChanged, view, LINK), 'managed_redis_id', 'cache-a → ${azurerm_managed_redis.a.id}', 'known after apply');
  });

  it('fails for a forced replacement with the same managed_redis_id', () => {
    const view = planView([keepCache('a', member), keepCache('b', member), geoChange('link', ['create', 'delete'], { primary: 'a', linked: ['b'] }, { primary: 'a', linked: ['b'] })]);
    expectFail(judge(geoPrimaryChanged, view, LINK), 'managed_redis_id', 'managed_redis_id unchanged (cache-a → cache-a');
  });

  it('is unknown when managed_redis_id is known only after apply and the plan does not replace the resource', () => {
    const view = planView([keepCache('b', member), geoChange('link', ['update'], { primary: 'a', linked: ['b'] }, { primary: refTo('a'), linked: ['b'] })]);
    expectUnknown(judge(geoPrimaryChanged, view, LINK), 'managed_redis_id');
  });

  it('is not applicable to a new geo resource', () => {
    const view = planView([createCache('a', member), createCache('b', member), geoChange('link', ['create'], null, { primary: refTo('a'), linked: [refTo('b')] })]);
    expect(judge(geoPrimaryChanged, view, LINK)).toEqual({ status: 'not-applicable' });
  });
});
