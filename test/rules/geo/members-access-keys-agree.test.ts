import { membersAccessKeysAgree } from '../../../src/rules/geo/members-access-keys-agree';
import { cache, check, expectFail, expectUnknown, findingsOf, geoLink, geoMember, stack } from '../../support/resources';

const keys = (access_keys_authentication_enabled: unknown) => ({ default_database: { access_keys_authentication_enabled } });
const a = (value: unknown = false) => geoMember('a', keys(value));
const b = (value: unknown = false) => geoMember('b', { location: 'northeurope', ...keys(value) });

describe('AMR-GRP-010 members agree on access_keys_authentication_enabled', () => {
  it('passes when members agree', () => {
    expect(check(membersAccessKeysAgree, b(true), { others: [a(true)] })).toEqual({ status: 'pass' });
    expect(check(membersAccessKeysAgree, b(false), { others: [a(false)] })).toEqual({ status: 'pass' });
  });

  it('counts an absent value as false (provider default)', () => {
    expect(check(membersAccessKeysAgree, geoMember('b', { location: 'northeurope', default_database: { access_keys_authentication_enabled: undefined } }), { others: [a(false)] })).toEqual({ status: 'pass' });
  });

  it('fails on the non-reference member when members differ, naming both values', () => {
    expectFail(check(membersAccessKeysAgree, b(true), { others: [a(false)] }), 'default_database.access_keys_authentication_enabled', "'cache-b'", "'orders-geo'", 'access_keys_authentication_enabled is true here but false', "'cache-a'");
  });

  it('passes on the reference member (first by address)', () => {
    expect(check(membersAccessKeysAgree, a(false), { others: [b(true)] })).toEqual({ status: 'pass' });
  });

  it('is not applicable to a cache without a group name', () => {
    expect(check(membersAccessKeysAgree, cache(keys(true)), { others: [a(false)] })).toEqual({ status: 'not-applicable' });
  });

  it('is unknown for an unresolved value on the member or the reference', () => {
    expectUnknown(check(membersAccessKeysAgree, b('${var.keys}'), { others: [a(false)] }), 'default_database.access_keys_authentication_enabled');
    expectUnknown(check(membersAccessKeysAgree, b(false), { others: [a('${var.keys}')] }), 'default_database.access_keys_authentication_enabled');
  });

  it('is a warning in every profile', () => {
    for (const profile of ['dev', 'production', 'mission-critical'] as const) {
      const findings = findingsOf(stack(a(false), b(true), geoLink(a(), [b()])), 'AMR-GRP-010', profile);
      expect(findings).toEqual([expect.objectContaining({ resource: 'azurerm_managed_redis.b', status: 'fail', severity: 'warning' })]);
    }
  });
});
