import { hiddenDatabaseRecreation } from '../../../src/rules/change/hidden-database-recreation';
import { expectFail, expectUnknown } from '../../support/resources';
import { changeFindings, createCache, judge, keepCache, planView, replaceCache, updateCache } from '../../support/plans';

const A = 'azurerm_managed_redis.a';
const db = (fields: Record<string, unknown>) => ({ default_database: fields });

describe('AMR-CHG-005 hidden database recreation', () => {
  it('passes for an update that changes only tags, and a plan changing only tags has no change-rule findings', () => {
    const view = planView([updateCache('a', {}, { tags: { team: 'payments', cost: 'x' } })]);
    expect(judge(hiddenDatabaseRecreation, view, A)).toEqual({ status: 'pass' });
    expect(changeFindings(view)).toEqual([]);
    expect(changeFindings(view, { profile: 'mission-critical' })).toEqual([]);
  });

  it('passes for in-place database changes (eviction policy)', () => {
    expect(judge(hiddenDatabaseRecreation, planView([updateCache('a', {}, db({ eviction_policy: 'AllKeysLRU' }))]), A)).toEqual({ status: 'pass' });
  });

  it('a plan changing clustering_policy of an existing cache with actions ["update"] is an AMR-CHG-005 error', () => {
    const view = planView([updateCache('a', db({ clustering_policy: 'OSSCluster' }), db({ clustering_policy: 'EnterpriseCluster' }))]);
    expect(view.resources[0].change?.actions).toEqual(['update']);
    expectFail(judge(hiddenDatabaseRecreation, view, A), 'default_database.clustering_policy', "'cache-a'", 'default_database.clustering_policy OSSCluster → EnterpriseCluster', 'deletes and recreates the database');
    expect(changeFindings(view, { profile: 'dev' })).toEqual([
      expect.objectContaining({ ruleId: 'AMR-CHG-005', status: 'fail', severity: 'error', attribute: 'default_database.clustering_policy' }),
    ]);
  });

  it('fails when a module is added (the computed module version is ignored)', () => {
    const view = planView([
      updateCache('a', db({ module: [{ name: 'RedisJSON', args: '', version: '2.6.1' }] }), db({ module: [{ name: 'RedisJSON', args: '' }, { name: 'RediSearch', args: '' }] })),
    ]);
    expectFail(judge(hiddenDatabaseRecreation, view, A), 'default_database.module', 'default_database.module [RedisJSON] → [RediSearch, RedisJSON]');
  });

  it('fails when module args change', () => {
    const view = planView([updateCache('a', db({ module: [{ name: 'RedisBloom', args: 'ERROR_RATE 0.01', version: '2.6' }] }), db({ module: [{ name: 'RedisBloom', args: 'ERROR_RATE 0.001', version: '2.6' }] }))]);
    expectFail(judge(hiddenDatabaseRecreation, view, A), 'default_database.module', 'RedisBloom ERROR_RATE 0.01', 'RedisBloom ERROR_RATE 0.001');
  });

  it('fails when geo_replication_group_name is set, reporting every changed setting', () => {
    const view = planView([updateCache('a', {}, db({ geo_replication_group_name: 'orders-geo', persistence_redis_database_backup_frequency: '', clustering_policy: 'EnterpriseCluster' }))]);
    expectFail(judge(hiddenDatabaseRecreation, view, A), 'default_database.clustering_policy', 'OSSCluster → EnterpriseCluster', 'default_database.geo_replication_group_name (none) → orders-geo');
  });

  it('passes when the module list is the same, in another order', () => {
    const view = planView([updateCache('a', db({ module: [{ name: 'RedisJSON', args: '' }, { name: 'RediSearch', args: '' }] }), db({ module: [{ name: 'RediSearch', args: '' }, { name: 'RedisJSON', args: '' }] }))]);
    expect(judge(hiddenDatabaseRecreation, view, A)).toEqual({ status: 'pass' });
  });

  it('is unknown when the planned clustering_policy is known only after apply', () => {
    const view = planView([updateCache('a', {}, {}, { unknown: ['default_database.clustering_policy'], expressions: { default_database: [{ clustering_policy: { references: ['var.clustering'] } }] } })]);
    expectUnknown(judge(hiddenDatabaseRecreation, view, A), 'default_database.clustering_policy');
  });

  it('reports a known change even when another setting is unknown', () => {
    const view = planView([updateCache('a', {}, db({ clustering_policy: 'NoCluster' }), { unknown: ['default_database.geo_replication_group_name'] })]);
    expectFail(judge(hiddenDatabaseRecreation, view, A), 'default_database.clustering_policy', 'OSSCluster → NoCluster');
  });

  it('is not applicable to a new cache, a replacement (AMR-CHG-001) or a removed database (AMR-CHG-006)', () => {
    expect(judge(hiddenDatabaseRecreation, planView([createCache('a', db({ clustering_policy: 'EnterpriseCluster' }))]), A)).toEqual({ status: 'not-applicable' });
    expect(judge(hiddenDatabaseRecreation, planView([replaceCache('a', { location: 'westeurope' }, { location: 'northeurope', ...db({ clustering_policy: 'EnterpriseCluster' }) })]), A)).toEqual({ status: 'not-applicable' });
    expect(judge(hiddenDatabaseRecreation, planView([updateCache('a', {}, { default_database: null })]), A)).toEqual({ status: 'not-applicable' });
  });

  it('passes for an unchanged cache', () => {
    expect(judge(hiddenDatabaseRecreation, planView([keepCache('a', db({ clustering_policy: 'EnterpriseCluster' }))]), A)).toEqual({ status: 'pass' });
  });
});
