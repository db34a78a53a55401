import { defaultDatabaseRemoved } from '../../../src/rules/change/default-database-removed';
import { expectFail, expectUnknown } from '../../support/resources';
import { changeFindings, createCache, destroyCache, judge, planView, updateCache } from '../../support/plans';

const A = 'azurerm_managed_redis.a';

describe('AMR-CHG-006 default_database removed', () => {
  it('passes while the block stays', () => {
    expect(judge(defaultDatabaseRemoved, planView([updateCache('a', {}, { default_database: { eviction_policy: 'NoEviction' } })]), A)).toEqual({ status: 'pass' });
  });

  it('fails when the block is removed, showing what it was', () => {
    const view = planView([updateCache('a', { default_database: { clustering_policy: 'EnterpriseCluster' } }, { default_database: null })]);
    expect(view.resources[0].values.default_database).toBeUndefined(); // the state's [] means not set
    expectFail(judge(defaultDatabaseRemoved, view, A), 'default_database', "'cache-a'", 'clustering_policy = EnterpriseCluster', 'eviction_policy = VolatileLRU', '→ (none)', 'deletes the database');
    expect(changeFindings(view, { profile: 'dev' }).filter((f) => f.ruleId === 'AMR-CHG-006')).toEqual([expect.objectContaining({ severity: 'error', status: 'fail' })]);
  });

  it('is unknown when the whole block is known only after apply', () => {
    const view = planView([updateCache('a', {}, {}, { unknown: ['default_database'], expressions: { default_database: { references: ['local.database'] } } })]);
    expectUnknown(judge(defaultDatabaseRemoved, view, A), 'default_database');
  });

  it('is not applicable to a new cache, a destroyed cache, or a cache that had no database', () => {
    expect(judge(defaultDatabaseRemoved, planView([createCache('a', { default_database: null })]), A)).toEqual({ status: 'not-applicable' });
    expect(judge(defaultDatabaseRemoved, planView([destroyCache('a')]), A)).toEqual({ status: 'not-applicable' });
    expect(judge(defaultDatabaseRemoved, planView([updateCache('a', { default_database: null }, { default_database: null, tags: {} })]), A)).toEqual({ status: 'not-applicable' });
  });
});
