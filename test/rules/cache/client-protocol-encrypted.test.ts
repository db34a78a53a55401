import { clientProtocolEncrypted } from '../../../src/rules/cache/client-protocol-encrypted';
import type { Profile } from '../../../src/rules/types';
import { cache, check, expectFail, expectUnknown, findingsOf, stack } from '../../support/resources';

const PATH = 'default_database.client_protocol';

describe('AMR-SEC-001 client protocol Encrypted', () => {
  it('passes Encrypted, and the provider default when absent', () => {
    expect(check(clientProtocolEncrypted, cache({ default_database: { client_protocol: 'Encrypted' } }))).toEqual({ status: 'pass' });
    expect(check(clientProtocolEncrypted, cache({ default_database: { client_protocol: undefined } }))).toEqual({ status: 'pass' });
  });

  it.each(['Plaintext', 'encrypted'])('fails %s, naming the value', (value) => {
    expectFail(check(clientProtocolEncrypted, cache({ default_database: { client_protocol: value } })), PATH, `'${value}'`, 'Encrypted');
  });

  it('reads a list-shaped block', () => {
    expectFail(check(clientProtocolEncrypted, cache({ default_database: [{ client_protocol: 'Plaintext' }] })), PATH, "'Plaintext'");
  });

  it('is unknown for an unresolved value', () => {
    expectUnknown(check(clientProtocolEncrypted, cache({ default_database: { client_protocol: '${var.protocol}' } })), PATH);
  });

  it.each<[Profile, string]>([
    ['dev', 'warning'],
    ['production', 'error'],
    ['mission-critical', 'error'],
  ])('severity in %s is %s', (profile, severity) => {
    const findings = findingsOf(stack(cache({ default_database: { client_protocol: 'Plaintext' } })), 'AMR-SEC-001', profile);
    expect(findings).toEqual([expect.objectContaining({ status: 'fail', severity })]);
  });
});
