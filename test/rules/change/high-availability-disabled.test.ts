import { highAvailabilityDisabled } from '../../../src/rules/change/high-availability-disabled';
import { expectFail, expectUnknown } from '../../support/resources';
import { changeFindings, createCache, judge, keepCache, planView, replaceCache, updateCache } from '../../support/plans';

const A = 'azurerm_managed_redis.a';

describe('AMR-CHG-002 high availability true → false', () => {
  it('passes when HA stays on', () => {
    expect(judge(highAvailabilityDisabled, planView([updateCache('a', {}, { tags: {} })]), A)).toEqual({ status: 'pass' });
    expect(judge(highAvailabilityDisabled, planView([keepCache('a')]), A)).toEqual({ status: 'pass' });
  });

  it('fails when HA is turned off, with both values', () => {
    const view = planView([replaceCache('a', { high_availability_enabled: true }, { high_availability_enabled: false })]);
    expectFail(judge(highAvailabilityDisabled, view, A), 'high_availability_enabled', "'cache-a'", 'high_availability_enabled true → false', 'replaces the cache');
  });

  it('a plan turning HA off (actions ["delete","create"]) reports AMR-CHG-002 and AMR-CHG-001, both errors', () => {
    const view = planView([replaceCache('a', { high_availability_enabled: true }, { high_availability_enabled: false })]);
    const findings = changeFindings(view, { profile: 'dev' });
    const ids = findings.map((f) => f.ruleId);
    expect(ids).toContain('AMR-CHG-001');
    expect(ids).toContain('AMR-CHG-002');
    for (const id of ['AMR-CHG-001', 'AMR-CHG-002']) {
      expect(findings.find((f) => f.ruleId === id)).toMatchObject({ status: 'fail', severity: 'error', attribute: 'high_availability_enabled' });
    }
  });

  it('is unknown when the planned value is known only after apply', () => {
    const view = planView([updateCache('a', {}, {}, { unknown: ['high_availability_enabled'], expressions: { high_availability_enabled: { references: ['var.ha'] } } })]);
    expectUnknown(judge(highAvailabilityDisabled, view, A), 'high_availability_enabled');
    expect(view.resources[0].values.high_availability_enabled).toBe('${var.ha}');
  });

  it('is not applicable to a new cache, or to one that had HA off', () => {
    expect(judge(highAvailabilityDisabled, planView([createCache('a', { high_availability_enabled: false })]), A)).toEqual({ status: 'not-applicable' });
    expect(judge(highAvailabilityDisabled, planView([keepCache('a', { high_availability_enabled: false })]), A)).toEqual({ status: 'not-applicable' });
  });
});
