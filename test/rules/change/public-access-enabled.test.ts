import { publicAccessEnabled } from '../../../src/rules/change/public-access-enabled';
import { expectFail, expectUnknown } from '../../support/resources';
import { changeFindings, createCache, judge, planView, updateCache } from '../../support/plans';

const A = 'azurerm_managed_redis.a';

describe('AMR-CHG-013 public network access Disabled → Enabled', () => {
  it('passes while access stays Disabled', () => {
    expect(judge(publicAccessEnabled, planView([updateCache('a', { public_network_access: 'Disabled' }, { tags: {} })]), A)).toEqual({ status: 'pass' });
  });

  it('fails as a warning when access is opened', () => {
    const view = planView([updateCache('a', { public_network_access: 'Disabled' }, { public_network_access: 'Enabled' })]);
    expectFail(judge(publicAccessEnabled, view, A), 'public_network_access', "'cache-a'", 'public_network_access Disabled → Enabled');
    expect(changeFindings(view, { profile: 'mission-critical' })).toEqual([expect.objectContaining({ ruleId: 'AMR-CHG-013', severity: 'warning' })]);
  });

  it('counts a removed attribute as the provider default (Enabled)', () => {
    expectFail(judge(publicAccessEnabled, planView([updateCache('a', { public_network_access: 'Disabled' }, { public_network_access: null })]), A), 'public_network_access', 'Disabled → Enabled');
  });

  it('is unknown when the planned value is known only after apply', () => {
    expectUnknown(judge(publicAccessEnabled, planView([updateCache('a', {}, {}, { unknown: ['public_network_access'] })]), A), 'public_network_access');
  });

  it('is not applicable to a new cache or to one that was already public', () => {
    expect(judge(publicAccessEnabled, planView([createCache('a', { public_network_access: 'Enabled' })]), A)).toEqual({ status: 'not-applicable' });
    expect(judge(publicAccessEnabled, planView([updateCache('a', { public_network_access: 'Enabled' }, { public_network_access: 'Enabled' })]), A)).toEqual({ status: 'not-applicable' });
  });
});
