import { membersZoneRedundant } from '../../../src/rules/geo/members-zone-redundant';
import type { Profile } from '../../../src/rules/types';
import { cache, check, expectFail, expectUnknown, findingsOf, geoLink, geoMember, stack } from '../../support/resources';
import type { TerraformResource } from '../../../src/rules/terraform';

const member = (name: string, location: string, patch: Record<string, unknown> = {}) => geoMember(name, { location, ...patch });
const group = (...members: TerraformResource[]) => stack(...members, geoLink(members[0], members.slice(1)));

describe('AMR-GRP-007 members are zone redundant; mission-critical: at least 3 zone-redundant regions', () => {
  const we = member('a', 'westeurope');
  const ne = member('b', 'northeurope');
  const sc = member('c', 'swedencentral');

  it.each<Profile>(['dev', 'production', 'mission-critical'])('passes for three zone-redundant regions in %s', (profile) => {
    for (const m of [we, ne, sc]) expect(check(membersZoneRedundant, m, { profile, others: [we, ne, sc].filter((o) => o !== m) })).toEqual({ status: 'pass' });
  });

  it('passes for two zone-redundant regions outside mission-critical', () => {
    expect(check(membersZoneRedundant, we, { profile: 'production', others: [ne] })).toEqual({ status: 'pass' });
  });

  it('fails for a member in a region without zones (westus), naming the cache and region', () => {
    const wus = member('d', 'westus');
    expectFail(check(membersZoneRedundant, wus, { others: [we] }), 'location', "'cache-d'", 'westus', 'not zone redundant', "'orders-geo'");
  });

  it('fails for a member without HA, even in a region with zones', () => {
    expectFail(check(membersZoneRedundant, member('d', 'northeurope', { high_availability_enabled: false }), { others: [we] }), 'location', "'cache-d'", 'not zone redundant');
  });

  it('counts an absent high_availability_enabled as HA', () => {
    expect(check(membersZoneRedundant, member('b', 'northeurope', { high_availability_enabled: undefined }), { others: [we] })).toEqual({ status: 'pass' });
  });

  describe('mission-critical: fewer than 3 zone-redundant regions', () => {
    it('fails on the first member, naming the count and regions', () => {
      expectFail(check(membersZoneRedundant, we, { profile: 'mission-critical', others: [ne] }), 'location', "'orders-geo'", '2 regions', 'westeurope', 'northeurope', 'at least 3');
    });

    it('reports the group once: the other members pass', () => {
      expect(check(membersZoneRedundant, ne, { profile: 'mission-critical', others: [we] })).toEqual({ status: 'pass' });
    });

    it('does not count a non-zone member region', () => {
      expectFail(check(membersZoneRedundant, we, { profile: 'mission-critical', others: [ne, member('d', 'westus')] }), 'location', '2 regions');
    });

    it('counts one region once, however its location is written', () => {
      const twin = member('c', 'West Europe');
      expectFail(check(membersZoneRedundant, we, { profile: 'mission-critical', others: [ne, twin] }), 'location', '2 regions');
    });
  });

  describe('severity (evaluateStack): warning in production, error in mission-critical', () => {
    it.each<[Profile, string]>([
      ['dev', 'warning'],
      ['production', 'warning'],
      ['mission-critical', 'error'],
    ])('a westus member in %s is a %s', (profile, severity) => {
      const wus = member('d', 'westus');
      const findings = findingsOf(group(we, ne, sc, wus), 'AMR-GRP-007', profile);
      expect(findings).toEqual([expect.objectContaining({ resource: 'azurerm_managed_redis.d', status: 'fail', severity, attribute: 'location' })]);
    });

    it('two zone-redundant regions are an error in mission-critical, on the first member only', () => {
      const findings = findingsOf(group(we, ne), 'AMR-GRP-007', 'mission-critical');
      expect(findings).toEqual([expect.objectContaining({ resource: 'azurerm_managed_redis.a', status: 'fail', severity: 'error' })]);
      expect(findings[0].message).toContain('2 regions');
    });

    it('two zone-redundant regions and a westus member: errors on the westus member and on the group in mission-critical', () => {
      const findings = findingsOf(group(we, ne, member('d', 'westus')), 'AMR-GRP-007', 'mission-critical');
      expect(findings.map((f) => [f.resource, f.severity])).toEqual([
        ['azurerm_managed_redis.a', 'error'],
        ['azurerm_managed_redis.d', 'error'],
      ]);
    });

    it('two zone-redundant regions are fine in production', () => {
      expect(findingsOf(group(we, ne), 'AMR-GRP-007', 'production')).toEqual([]);
    });
  });

  it('uses region overrides', () => {
    const custom = member('d', 'mynewregion');
    expect(check(membersZoneRedundant, custom, { others: [we], regions: { withZones: ['mynewregion'] } })).toEqual({ status: 'pass' });
    expectFail(check(membersZoneRedundant, member('d', 'westus2'), { others: [we], regions: { withoutZones: ['westus2'] } }), 'location', 'westus2');
  });

  it('does not claim "no zones" for a region in neither list: unknown, naming the region', () => {
    const result = check(membersZoneRedundant, member('d', 'mynewregion'), { others: [we] });
    expectUnknown(result, 'location');
    expect(result.status === 'unknown' && result.message).toContain('mynewregion');
  });

  it('still fails for a member without HA in a region in neither list (not zone redundant either way)', () => {
    expectFail(check(membersZoneRedundant, member('d', 'mynewregion', { high_availability_enabled: false }), { others: [we] }), 'location', 'mynewregion');
  });

  it('is not applicable to a cache without a group name', () => {
    expect(check(membersZoneRedundant, cache({ location: 'westus' }), { others: [we] })).toEqual({ status: 'not-applicable' });
  });

  it('is unknown for an unresolved location or high_availability_enabled', () => {
    expectUnknown(check(membersZoneRedundant, member('d', '${var.location}'), { others: [we] }), 'location');
    expectUnknown(check(membersZoneRedundant, member('d', 'westus', { high_availability_enabled: '${var.ha}' }), { others: [we] }), 'high_availability_enabled');
  });
});
