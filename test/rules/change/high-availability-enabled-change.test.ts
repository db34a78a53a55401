import { ALL_RULES } from '../../../src/rules/catalogue';
import { highAvailabilityEnabledChange } from '../../../src/rules/change/high-availability-enabled-change';
import { applySuppressions } from '../../../src/rules/suppressions';
import { expectFail, expectUnknown } from '../../support/resources';
import { changeFindings, createCache, judge, keepCache, planView, replaceCache, updateCache } from '../../support/plans';

const A = 'azurerm_managed_redis.a';
const turnOn = () => planView([replaceCache('a', { high_availability_enabled: false }, { high_availability_enabled: true })]);

describe('AMR-CHG-003 high availability false → true', () => {
  it('passes when a non-HA cache stays non-HA', () => {
    expect(judge(highAvailabilityEnabledChange, planView([updateCache('a', { high_availability_enabled: false }, { high_availability_enabled: false, tags: {} })]), A)).toEqual({ status: 'pass' });
  });

  it('fails when HA is turned on through Terraform, naming both values and the provider version', () => {
    expectFail(judge(highAvailabilityEnabledChange, turnOn(), A), 'high_availability_enabled', "'cache-a'", 'high_availability_enabled false → true', 'azurerm 4.55.0 replaces the cache');
  });

  it('is an error that may be acknowledged (rules.md: "warning, error unless acknowledged")', () => {
    expect(highAvailabilityEnabledChange.metadata.acknowledgeableError).toBe(true);
    const findings = changeFindings(turnOn()).filter((f) => f.ruleId === 'AMR-CHG-003');
    expect(findings).toEqual([expect.objectContaining({ status: 'fail', severity: 'error' })]);
    const acknowledgeableErrors = new Set(ALL_RULES.filter((r) => r.metadata.acknowledgeableError).map((r) => r.metadata.id));
    const outcome = applySuppressions(findings, [{ id: 'AMR-CHG-003', reason: 'dev cache, the data is disposable' }], { today: '2026-01-01', onlyWarnings: true, acknowledgeableErrors });
    expect(outcome.findings[0].status).toBe('suppressed');
    expect(outcome.problems).toEqual([]);
  });

  it('is unknown when the planned value is known only after apply', () => {
    const view = planView([updateCache('a', { high_availability_enabled: false }, {}, { unknown: ['high_availability_enabled'] })]);
    expectUnknown(judge(highAvailabilityEnabledChange, view, A), 'high_availability_enabled');
  });

  it('is not applicable to a new cache or to a cache that already had HA', () => {
    expect(judge(highAvailabilityEnabledChange, planView([createCache('a')]), A)).toEqual({ status: 'not-applicable' });
    expect(judge(highAvailabilityEnabledChange, planView([keepCache('a')]), A)).toEqual({ status: 'not-applicable' });
  });
});
