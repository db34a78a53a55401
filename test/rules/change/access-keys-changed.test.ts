import { accessKeysChanged } from '../../../src/rules/change/access-keys-changed';
import { expectFail, expectUnknown } from '../../support/resources';
import { changeFindings, createCache, judge, keepCache, planView, updateCache } from '../../support/plans';

const A = 'azurerm_managed_redis.a';
const keys = (enabled: boolean, group = '') => ({ default_database: { access_keys_authentication_enabled: enabled, geo_replication_group_name: group, persistence_redis_database_backup_frequency: group ? '' : '1h' } });

describe('AMR-CHG-010 access_keys_authentication_enabled changed', () => {
  it('passes when the setting stays', () => {
    expect(judge(accessKeysChanged, planView([updateCache('a', keys(false), { ...keys(false), tags: {} })]), A)).toEqual({ status: 'pass' });
  });

  it('fails as a warning on a cache outside a geo group', () => {
    const view = planView([updateCache('a', keys(false), keys(true))]);
    expectFail(judge(accessKeysChanged, view, A), 'default_database.access_keys_authentication_enabled', "'cache-a'", 'access_keys_authentication_enabled false → true', 'every client connection is dropped');
    expect(changeFindings(view, { profile: 'mission-critical' })).toEqual([expect.objectContaining({ ruleId: 'AMR-CHG-010', severity: 'warning', status: 'fail' })]);
  });

  it('fails as an error on a geo member (needs unlink and relink)', () => {
    const view = planView([updateCache('a', keys(true, 'orders-geo'), keys(false, 'orders-geo')), updateCache('b', keys(true, 'orders-geo'), keys(false, 'orders-geo'))]);
    const result = judge(accessKeysChanged, view, A);
    expectFail(result, 'default_database.access_keys_authentication_enabled', 'true → false', "geo group 'orders-geo'", 'unlinking');
    expect(result).toMatchObject({ escalate: true });
    expect(changeFindings(view, { profile: 'dev' }).filter((f) => f.ruleId === 'AMR-CHG-010').map((f) => f.severity)).toEqual(['error', 'error']);
  });

  it('counts an absent value as the provider default (false)', () => {
    const view = planView([updateCache('a', { default_database: { access_keys_authentication_enabled: false } }, { default_database: { access_keys_authentication_enabled: null } })]);
    expect(judge(accessKeysChanged, view, A)).toEqual({ status: 'pass' });
  });

  it('is unknown when the planned value is known only after apply', () => {
    const view = planView([updateCache('a', keys(false), keys(true), { unknown: ['default_database.access_keys_authentication_enabled'] })]);
    expectUnknown(judge(accessKeysChanged, view, A), 'default_database.access_keys_authentication_enabled');
  });

  it('is not applicable to a new cache', () => {
    expect(judge(accessKeysChanged, planView([createCache('a', keys(true))]), A)).toEqual({ status: 'not-applicable' });
    expect(judge(accessKeysChanged, planView([keepCache('a', keys(true))]), A)).toEqual({ status: 'pass' });
  });
});
