import { geoMembersChangedUnevenly } from '../../../src/rules/change/geo-members-changed-unevenly';
import { expectFail, expectUnknown } from '../../support/resources';
import { changeFindings, createCache, destroyCache, judge, keepCache, planView, updateCache } from '../../support/plans';

const A = 'azurerm_managed_redis.a';
const member = (fields: Record<string, unknown> = {}) => ({ default_database: { geo_replication_group_name: 'orders-geo', persistence_redis_database_backup_frequency: '', ...fields } });

describe('AMR-CHG-011 a setting changed on one geo member but not on all', () => {
  it('passes when every member changes eviction_policy in the same plan', () => {
    const view = planView([
      updateCache('a', member(), member({ eviction_policy: 'AllKeysLRU' })),
      updateCache('b', member(), member({ eviction_policy: 'AllKeysLRU' })),
      updateCache('c', member(), member({ eviction_policy: 'AllKeysLRU' })),
    ]);
    for (const name of ['a', 'b', 'c']) expect(judge(geoMembersChangedUnevenly, view, `azurerm_managed_redis.${name}`)).toEqual({ status: 'pass' });
  });

  it('fails when eviction changes on one member but not on the others, on the changed member only', () => {
    const view = planView([updateCache('a', member(), member({ eviction_policy: 'AllKeysLRU' })), keepCache('b', member()), keepCache('c', member())]);
    expectFail(judge(geoMembersChangedUnevenly, view, A), 'default_database.eviction_policy', "geo member 'cache-a'", 'VolatileLRU → AllKeysLRU', "'cache-b' (VolatileLRU)", "'cache-c' (VolatileLRU)", "'orders-geo'");
    expect(judge(geoMembersChangedUnevenly, view, 'azurerm_managed_redis.b')).toEqual({ status: 'pass' });
    expect(changeFindings(view, { profile: 'dev' }).filter((f) => f.ruleId === 'AMR-CHG-011')).toEqual([
      expect.objectContaining({ resource: A, severity: 'error', attribute: 'default_database.eviction_policy' }),
    ]);
  });

  it.each([
    ['client_protocol', { client_protocol: 'Encrypted' }, { client_protocol: 'Plaintext' }, 'Encrypted → Plaintext'],
    ['persistence_append_only_file_backup_frequency', {}, { persistence_append_only_file_backup_frequency: '1s' }, '(none) → 1s'],
  ])('fails for %s changed on one member only', (field, from, to, fragment) => {
    const view = planView([updateCache('a', member(from), member(to)), keepCache('b', member(from))]);
    expectFail(judge(geoMembersChangedUnevenly, view, A), `default_database.${field}`, fragment, "'cache-b'");
  });

  it('does not count a member being destroyed as a member that must change', () => {
    const view = planView([updateCache('a', member(), member({ eviction_policy: 'NoEviction' })), updateCache('b', member(), member({ eviction_policy: 'NoEviction' })), destroyCache('c', member())]);
    expect(judge(geoMembersChangedUnevenly, view, A)).toEqual({ status: 'pass' });
  });

  it('is unknown when another member’s planned value is known only after apply', () => {
    const view = planView([updateCache('a', member(), member({ eviction_policy: 'AllKeysLRU' })), updateCache('b', member(), member(), { unknown: ['default_database.eviction_policy'] })]);
    const result = judge(geoMembersChangedUnevenly, view, A);
    expectUnknown(result, 'default_database.eviction_policy');
    expect(result).toMatchObject({ message: expect.stringContaining("'cache-b'") });
  });

  it('is unknown when its own planned value is known only after apply', () => {
    const view = planView([updateCache('a', member(), member(), { unknown: ['default_database.eviction_policy'] }), keepCache('b', member())]);
    expectUnknown(judge(geoMembersChangedUnevenly, view, A), 'default_database.eviction_policy');
  });

  it('is not applicable to a new cache or a cache outside a geo group', () => {
    expect(judge(geoMembersChangedUnevenly, planView([createCache('a', member()), keepCache('b', member())]), A)).toEqual({ status: 'not-applicable' });
    expect(judge(geoMembersChangedUnevenly, planView([updateCache('a', {}, { default_database: { eviction_policy: 'AllKeysLRU' } })]), A)).toEqual({ status: 'not-applicable' });
  });
});
