import { zoneRedundancyNeedsHa } from '../../../src/rules/cache/zone-redundancy-needs-ha';
import { cache, check, expectFail, expectUnknown, findingsOf, stack } from '../../support/resources';

const zoneRedundant = { amr: { zoneRedundant: true } };

describe('AMR-ZR-002 zone redundancy asked for but HA disabled', () => {
  it('is not applicable when zone redundancy is not asked for, whatever HA is', () => {
    expect(check(zoneRedundancyNeedsHa, cache({ high_availability_enabled: false }))).toEqual({ status: 'not-applicable' });
    expect(check(zoneRedundancyNeedsHa, cache({ high_availability_enabled: false }, { amr: { zoneRedundant: false } }))).toEqual({ status: 'not-applicable' });
  });

  it('passes when zone redundancy is asked for and HA is on, explicitly or by default', () => {
    expect(check(zoneRedundancyNeedsHa, cache({ high_availability_enabled: true }, zoneRedundant))).toEqual({ status: 'pass' });
    expect(check(zoneRedundancyNeedsHa, cache({ high_availability_enabled: undefined }, zoneRedundant))).toEqual({ status: 'pass' });
  });

  it('fails when zone redundancy is asked for and HA is off', () => {
    expectFail(check(zoneRedundancyNeedsHa, cache({ high_availability_enabled: false }, zoneRedundant)), 'high_availability_enabled', 'high_availability_enabled = false', 'orders-cache');
  });

  it('is an error even in dev', () => {
    const findings = findingsOf(stack(cache({ high_availability_enabled: false }, zoneRedundant)), 'AMR-ZR-002', 'dev');
    expect(findings).toEqual([expect.objectContaining({ status: 'fail', severity: 'error' })]);
  });

  it('is unknown for an unresolved high_availability_enabled', () => {
    expectUnknown(check(zoneRedundancyNeedsHa, cache({ high_availability_enabled: '${var.ha}' }, zoneRedundant)), 'high_availability_enabled');
  });
});
