import { geoMemberHighAvailability } from '../../../src/rules/geo/member-high-availability';
import { cache, check, expectFail, expectUnknown, findingsOf, geoMember, stack } from '../../support/resources';

describe('AMR-GEO-003 geo member has HA enabled', () => {
  it('passes with high_availability_enabled = true', () => {
    expect(check(geoMemberHighAvailability, geoMember('a', { high_availability_enabled: true }))).toEqual({ status: 'pass' });
  });

  it('counts an absent high_availability_enabled as true (provider default)', () => {
    expect(check(geoMemberHighAvailability, geoMember('a', { high_availability_enabled: undefined }))).toEqual({ status: 'pass' });
  });

  it('fails with high_availability_enabled = false, naming the cache and the group', () => {
    expectFail(check(geoMemberHighAvailability, geoMember('a', { high_availability_enabled: false })), 'high_availability_enabled', "'cache-a'", "'orders-geo'", 'high_availability_enabled = true');
  });

  it('is not applicable to a cache without a group name (AMR-HA-001 judges it)', () => {
    expect(check(geoMemberHighAvailability, cache({ high_availability_enabled: false }))).toEqual({ status: 'not-applicable' });
  });

  it('is not applicable when the group name is an empty string', () => {
    expect(check(geoMemberHighAvailability, geoMember('a', { high_availability_enabled: false, default_database: { geo_replication_group_name: '' } }))).toEqual({ status: 'not-applicable' });
  });

  it('is unknown for an unresolved high_availability_enabled', () => {
    expectUnknown(check(geoMemberHighAvailability, geoMember('a', { high_availability_enabled: '${var.ha}' })), 'high_availability_enabled');
  });

  it('is an error even in dev', () => {
    const findings = findingsOf(stack(geoMember('a', { high_availability_enabled: false })), 'AMR-GEO-003', 'dev');
    expect(findings).toEqual([expect.objectContaining({ status: 'fail', severity: 'error', attribute: 'high_availability_enabled' })]);
  });
});
