import { movedToRegionWithoutZones } from '../../../src/rules/change/moved-to-region-without-zones';
import { expectFail, expectUnknown } from '../../support/resources';
import { changeFindings, createCache, judge, planView, replaceCache, updateCache } from '../../support/plans';

const A = 'azurerm_managed_redis.a';
const move = (from: string, to: string, ha = true) => planView([replaceCache('a', { location: from, high_availability_enabled: ha }, { location: to, high_availability_enabled: ha })]);

describe('AMR-CHG-016 a zone-redundant cache moved to a region without zones', () => {
  it('passes for a move between regions with zones, or no move', () => {
    expect(judge(movedToRegionWithoutZones, move('westeurope', 'northeurope'), A)).toEqual({ status: 'pass' });
    expect(judge(movedToRegionWithoutZones, planView([updateCache('a', {}, { tags: {} })]), A)).toEqual({ status: 'pass' });
    expect(judge(movedToRegionWithoutZones, move('westeurope', 'West Europe'), A)).toEqual({ status: 'pass' });
  });

  it('fails for a move to a region without zones, with both regions and alternatives', () => {
    const view = move('westus2', 'westus');
    expectFail(judge(movedToRegionWithoutZones, view, A), 'location', "zone-redundant cache 'cache-a'", 'location westus2 → westus', 'westus3');
    expect(changeFindings(view, { profile: 'dev' }).filter((f) => f.ruleId === 'AMR-CHG-016')).toEqual([expect.objectContaining({ severity: 'error', attribute: 'location' })]);
  });

  it('honours declared regions', () => {
    expect(judge(movedToRegionWithoutZones, move('westeurope', 'westus'), A, { regions: { withZones: ['westus'] } })).toEqual({ status: 'pass' });
  });

  it('is unknown when the planned location is known only after apply, or its zone support is unknown', () => {
    const view = planView([replaceCache('a', {}, {}, { unknown: ['location'], expressions: { location: { references: ['azurerm_resource_group.rg.location', 'azurerm_resource_group.rg'] } } })]);
    expectUnknown(judge(movedToRegionWithoutZones, view, A), 'location');
    const result = judge(movedToRegionWithoutZones, move('westeurope', 'marscentral'), A);
    expectUnknown(result, 'location');
    expect(result).toMatchObject({ message: expect.stringContaining('marscentral') });
  });

  it('is not applicable to a new cache or a cache that was not HA', () => {
    expect(judge(movedToRegionWithoutZones, planView([createCache('a', { location: 'westus' })]), A)).toEqual({ status: 'not-applicable' });
    expect(judge(movedToRegionWithoutZones, move('westeurope', 'westus', false), A)).toEqual({ status: 'not-applicable' });
  });
});
