import { zoneRedundantRegion, zoneRegionsNear } from '../../../src/rules/cache/zone-redundant-region';
import type { Profile } from '../../../src/rules/types';
import { cache, check, companions, expectFail, expectUnknown, findingsOf, stack } from '../../support/resources';

/** rules.md 1.3, written out independently of src/rules/data/regions.ts. */
const WITH_ZONES = `australiaeast austriaeast belgiumcentral brazilsouth canadacentral centralindia centralus chilecentral denmarkeast
eastasia eastus eastus2 francecentral germanywestcentral indiasouthcentral indonesiacentral israelcentral italynorth
japaneast japanwest koreacentral malaysiawest mexicocentral newzealandnorth northeurope norwayeast polandcentral
qatarcentral southafricanorth southcentralus southeastasia spaincentral swedencentral switzerlandnorth uaenorth uksouth
westeurope westus2 westus3`.split(/\s+/);
const WITHOUT_ZONES = `australiacentral australiacentral2 australiasoutheast brazilsoutheast canadaeast francesouth germanynorth
koreasouth northcentralus norwaywest southafricawest southindia switzerlandwest uaecentral ukwest westcentralus westindia westus`.split(/\s+/);

describe('AMR-ZR-001 an HA cache is in a region with availability zones', () => {
  it.each(WITH_ZONES)('passes in %s', (location) => {
    expect(check(zoneRedundantRegion, cache({ location }))).toEqual({ status: 'pass' });
  });

  it.each(WITHOUT_ZONES)('fails in %s (no zones)', (location) => {
    expectFail(check(zoneRedundantRegion, cache({ location })), 'location', location, 'without availability zones');
  });

  it('normalises the location: "West Europe" has zones, "West US" has none', () => {
    expect(check(zoneRedundantRegion, cache({ location: 'West Europe' }))).toEqual({ status: 'pass' });
    expect(check(zoneRedundantRegion, cache({ location: 'UK South' }))).toEqual({ status: 'pass' });
    expectFail(check(zoneRedundantRegion, cache({ location: 'West US' })), 'location', 'West US');
  });

  it('suggests nearby regions with zones in the message', () => {
    expectFail(check(zoneRedundantRegion, cache({ location: 'westus' })), 'location', 'westus2', 'westus3');
    expect(zoneRegionsNear('West US')).toEqual(expect.arrayContaining(['westus2', 'westus3']));
    // whatever the heuristic picks, it only ever suggests regions that have zones
    for (const region of WITHOUT_ZONES) {
      const near = zoneRegionsNear(region);
      expect(near.length).toBeGreaterThan(0);
      for (const suggestion of near) expect(WITH_ZONES).toContain(suggestion);
    }
  });

  it('counts an absent high_availability_enabled as HA (provider default true)', () => {
    expectFail(check(zoneRedundantRegion, cache({ high_availability_enabled: undefined, location: 'westus' })), 'location', 'westus');
  });

  it('is not applicable without HA (AMR-HA-001 reports that)', () => {
    expect(check(zoneRedundantRegion, cache({ high_availability_enabled: false, location: 'westus' }))).toEqual({ status: 'not-applicable' });
  });

  it('is not applicable when the user explicitly accepts a non-zone-redundant cache (zoneRedundant: false)', () => {
    expect(check(zoneRedundantRegion, cache({ location: 'westus' }, { amr: { zoneRedundant: false } }))).toEqual({ status: 'not-applicable' });
  });

  it('leaves an unlisted region to AMR-ZR-003 (never "no zones")', () => {
    expect(check(zoneRedundantRegion, cache({ location: 'mynewregion' }))).toEqual({ status: 'not-applicable' });
  });

  it('uses region overrides: a declared region with zones passes, one without fails', () => {
    expect(check(zoneRedundantRegion, cache({ location: 'mynewregion' }), { regions: { withZones: ['mynewregion'] } })).toEqual({ status: 'pass' });
    expect(check(zoneRedundantRegion, cache({ location: 'My New Region' }), { regions: { withZones: ['mynewregion'] } })).toEqual({ status: 'pass' });
    expectFail(check(zoneRedundantRegion, cache({ location: 'mynewregion' }), { regions: { withoutZones: ['mynewregion'] } }), 'location', 'mynewregion');
    // an override wins over the built-in list
    expect(check(zoneRedundantRegion, cache({ location: 'westus' }), { regions: { withZones: ['westus'] } })).toEqual({ status: 'pass' });
  });

  it('is unknown for an unresolved location or high_availability_enabled', () => {
    expectUnknown(check(zoneRedundantRegion, cache({ location: '${azurerm_resource_group.rg.location}' })), 'location');
    expectUnknown(check(zoneRedundantRegion, cache({ high_availability_enabled: '${var.ha}', location: 'westus' })), 'high_availability_enabled');
  });

  describe('severity (warning in production, error in mission-critical or when zone redundancy is asked for)', () => {
    const inWestUs = (amr?: { zoneRedundant: boolean }) => {
      const c = cache({ location: 'westus' }, { amr });
      return stack(c, ...companions(c));
    };

    it.each<[Profile, string]>([
      ['dev', 'warning'],
      ['production', 'warning'],
      ['mission-critical', 'error'],
    ])('%s -> %s', (profile, severity) => {
      const findings = findingsOf(inWestUs(), 'AMR-ZR-001', profile);
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({ status: 'fail', severity });
    });

    it('escalates to error in every profile when zoneRedundant: true is recorded', () => {
      expect(check(zoneRedundantRegion, cache({ location: 'westus' }, { amr: { zoneRedundant: true } }))).toMatchObject({ status: 'fail', escalate: true });
      for (const profile of ['dev', 'production'] as const) {
        expect(findingsOf(inWestUs({ zoneRedundant: true }), 'AMR-ZR-001', profile)[0]?.severity).toBe('error');
      }
    });

    it('does not escalate without the zone-redundancy intent', () => {
      expect(check(zoneRedundantRegion, cache({ location: 'westus' }))).toMatchObject({ status: 'fail', escalate: false });
    });
  });
});
