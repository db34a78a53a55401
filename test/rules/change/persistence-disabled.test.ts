import { persistenceDisabled } from '../../../src/rules/change/persistence-disabled';
import { expectFail, expectUnknown } from '../../support/resources';
import { changeFindings, createCache, judge, planView, updateCache } from '../../support/plans';

const A = 'azurerm_managed_redis.a';
const persistence = (rdb: string, aof = '') => ({ default_database: { persistence_redis_database_backup_frequency: rdb, persistence_append_only_file_backup_frequency: aof } });

describe('AMR-CHG-014 persistence turned off on a non-geo cache', () => {
  it('passes while persistence stays on, or switches from RDB to AOF', () => {
    expect(judge(persistenceDisabled, planView([updateCache('a', persistence('1h'), persistence('6h'))]), A)).toEqual({ status: 'pass' });
    expect(judge(persistenceDisabled, planView([updateCache('a', persistence('1h'), persistence('', '1s'))]), A)).toEqual({ status: 'pass' });
  });

  it('fails as a warning when persistence is turned off', () => {
    const view = planView([updateCache('a', persistence('1h'), persistence(''))]);
    expectFail(judge(persistenceDisabled, view, A), 'default_database.persistence_redis_database_backup_frequency', "'cache-a'", 'persistence_redis_database_backup_frequency 1h → (none)');
    expect(changeFindings(view, { profile: 'mission-critical' })).toEqual([expect.objectContaining({ ruleId: 'AMR-CHG-014', severity: 'warning' })]);
  });

  it('fails for AOF turned off too', () => {
    expectFail(judge(persistenceDisabled, planView([updateCache('a', persistence('', '1s'), persistence(''))]), A), 'default_database.persistence_append_only_file_backup_frequency', '1s → (none)');
  });

  it('is unknown when the planned frequency is known only after apply', () => {
    expectUnknown(judge(persistenceDisabled, planView([updateCache('a', persistence('1h'), persistence(''), { unknown: ['default_database.persistence_redis_database_backup_frequency'] })]), A), 'default_database.persistence_redis_database_backup_frequency');
  });

  it('is not applicable to a new cache, a cache without persistence, or a cache joining a geo group', () => {
    expect(judge(persistenceDisabled, planView([createCache('a', persistence(''))]), A)).toEqual({ status: 'not-applicable' });
    expect(judge(persistenceDisabled, planView([updateCache('a', persistence(''), { ...persistence(''), tags: {} })]), A)).toEqual({ status: 'not-applicable' });
    const joining = { default_database: { geo_replication_group_name: 'orders-geo', persistence_redis_database_backup_frequency: '' } };
    expect(judge(persistenceDisabled, planView([updateCache('a', persistence('1h'), joining)]), A)).toEqual({ status: 'not-applicable' });
  });
});
