import { protocolDowngrade } from '../../../src/rules/change/protocol-downgrade';
import { expectFail, expectUnknown } from '../../support/resources';
import { changeFindings, createCache, judge, planView, updateCache } from '../../support/plans';

const A = 'azurerm_managed_redis.a';
const protocol = (value: string | null) => ({ default_database: { client_protocol: value } });

describe('AMR-CHG-012 client protocol Encrypted → Plaintext', () => {
  it('passes while the protocol stays Encrypted', () => {
    expect(judge(protocolDowngrade, planView([updateCache('a', protocol('Encrypted'), { ...protocol('Encrypted'), tags: {} })]), A)).toEqual({ status: 'pass' });
  });

  it('fails for a downgrade to Plaintext, with both values', () => {
    const view = planView([updateCache('a', protocol('Encrypted'), protocol('Plaintext'))]);
    expectFail(judge(protocolDowngrade, view, A), 'default_database.client_protocol', "'cache-a'", 'client_protocol Encrypted → Plaintext');
    expect(changeFindings(view, { profile: 'dev' }).filter((f) => f.ruleId === 'AMR-CHG-012')).toEqual([expect.objectContaining({ severity: 'error' })]);
  });

  it('treats an absent protocol as Encrypted (the provider default)', () => {
    expectFail(judge(protocolDowngrade, planView([updateCache('a', protocol(null), protocol('Plaintext'))]), A), 'default_database.client_protocol', 'Encrypted → Plaintext');
  });

  it('is unknown when the planned protocol is known only after apply', () => {
    expectUnknown(judge(protocolDowngrade, planView([updateCache('a', {}, {}, { unknown: ['default_database.client_protocol'] })]), A), 'default_database.client_protocol');
  });

  it('is not applicable to a new cache or to one that was already Plaintext', () => {
    expect(judge(protocolDowngrade, planView([createCache('a', protocol('Plaintext'))]), A)).toEqual({ status: 'not-applicable' });
    expect(judge(protocolDowngrade, planView([updateCache('a', protocol('Plaintext'), protocol('Plaintext'))]), A)).toEqual({ status: 'not-applicable' });
  });
});
