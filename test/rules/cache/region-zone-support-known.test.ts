import { regionZoneSupportKnown } from '../../../src/rules/cache/region-zone-support-known';
import { cache, check, expectFail, expectUnknown, findingsOf, stack } from '../../support/resources';

describe('AMR-ZR-003 region zone support is known', () => {
  it.each(['westeurope', 'West Europe', 'westus', 'West US', 'EASTUS2', 'ukwest'])('passes for the listed region %s (with or without zones)', (location) => {
    expect(check(regionZoneSupportKnown, cache({ location }))).toEqual({ status: 'pass' });
  });

  it.each(['mynewregion', 'westeurop', 'chinaeast2'])('fails for the unlisted region %s, naming it', (location) => {
    expectFail(check(regionZoneSupportKnown, cache({ location })), 'location', `'${location}'`, 'zone support is unknown');
  });

  it('passes for a region declared in overrides, with or without zones', () => {
    expect(check(regionZoneSupportKnown, cache({ location: 'mynewregion' }), { regions: { withZones: ['mynewregion'] } })).toEqual({ status: 'pass' });
    expect(check(regionZoneSupportKnown, cache({ location: 'My New Region' }), { regions: { withoutZones: ['mynewregion'] } })).toEqual({ status: 'pass' });
  });

  it('is a warning', () => {
    const findings = findingsOf(stack(cache({ location: 'mynewregion' })), 'AMR-ZR-003', 'mission-critical');
    expect(findings).toEqual([expect.objectContaining({ status: 'fail', severity: 'warning' })]);
  });

  it('is not applicable without a location (the provider requires one)', () => {
    expect(check(regionZoneSupportKnown, cache({ location: undefined }))).toEqual({ status: 'not-applicable' });
  });

  it('is unknown for an unresolved location', () => {
    expectUnknown(check(regionZoneSupportKnown, cache({ location: '${azurerm_resource_group.rg.location}' })), 'location');
  });
});
