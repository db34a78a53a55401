import { accessKeysDisabled } from '../../../src/rules/cache/access-keys-disabled';
import { cache, check, expectFail, expectUnknown, findingsOf, stack } from '../../support/resources';

const PATH = 'default_database.access_keys_authentication_enabled';

describe('AMR-SEC-002 access keys authentication disabled', () => {
  it('passes false, and the provider default (false) when absent', () => {
    expect(check(accessKeysDisabled, cache({ default_database: { access_keys_authentication_enabled: false } }))).toEqual({ status: 'pass' });
    expect(check(accessKeysDisabled, cache({ default_database: { access_keys_authentication_enabled: undefined } }))).toEqual({ status: 'pass' });
  });

  it('fails true, naming the value', () => {
    expectFail(check(accessKeysDisabled, cache({ default_database: { access_keys_authentication_enabled: true } })), PATH, 'access_keys_authentication_enabled = true');
  });

  it('reads a list-shaped block', () => {
    expectFail(check(accessKeysDisabled, cache({ default_database: [{ access_keys_authentication_enabled: true }] })), PATH, '= true');
  });

  it('is a warning even in mission-critical', () => {
    const findings = findingsOf(stack(cache({ default_database: { access_keys_authentication_enabled: true } })), 'AMR-SEC-002', 'mission-critical');
    expect(findings).toEqual([expect.objectContaining({ status: 'fail', severity: 'warning' })]);
  });

  it('is unknown for an unresolved value', () => {
    expectUnknown(check(accessKeysDisabled, cache({ default_database: { access_keys_authentication_enabled: '${var.keys}' } })), PATH);
  });
});
