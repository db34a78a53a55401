import { highAvailabilityEnabled } from '../../../src/rules/cache/high-availability-enabled';
import type { Profile } from '../../../src/rules/types';
import { cache, check, companions, expectFail, expectUnknown, findingsOf, stack } from '../../support/resources';

describe('AMR-HA-001 high availability is enabled', () => {
  it('passes with high_availability_enabled = true', () => {
    expect(check(highAvailabilityEnabled, cache({ high_availability_enabled: true }))).toEqual({ status: 'pass' });
  });

  it('counts an absent high_availability_enabled as true (the provider default)', () => {
    expect(check(highAvailabilityEnabled, cache({ high_availability_enabled: undefined }))).toEqual({ status: 'pass' });
  });

  it('fails with high_availability_enabled = false', () => {
    expectFail(check(highAvailabilityEnabled, cache({ high_availability_enabled: false })), 'high_availability_enabled', 'high_availability_enabled = false');
  });

  it('is unknown for an unresolved value', () => {
    expectUnknown(check(highAvailabilityEnabled, cache({ high_availability_enabled: '${var.ha}' })), 'high_availability_enabled');
  });

  describe('severity by profile (rules.md: error in production and mission-critical, warning in dev)', () => {
    const noHa = cache({ high_availability_enabled: false });
    it.each<[Profile, string]>([
      ['dev', 'warning'],
      ['production', 'error'],
      ['mission-critical', 'error'],
    ])('%s -> %s', (profile, severity) => {
      const findings = findingsOf(stack(noHa, ...companions(noHa)), 'AMR-HA-001', profile);
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({ status: 'fail', severity, attribute: 'high_availability_enabled' });
    });

    it('production is the default profile', () => {
      expect(findingsOf(stack(noHa, ...companions(noHa)), 'AMR-HA-001')[0]?.severity).toBe('error');
    });

    it('a profile recorded on the resource applies when none is given', () => {
      const devCache = cache({ high_availability_enabled: false }, { amr: { profile: 'dev' } });
      expect(findingsOf(stack(devCache), 'AMR-HA-001')[0]?.severity).toBe('warning');
    });
  });
});
