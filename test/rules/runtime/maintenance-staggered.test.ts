import { maintenanceStaggered } from '../../../src/rules/runtime/maintenance-staggered';
import { cache, check, expectFail, expectUnknown, findingsOf, idOf, resource, stack } from '../../support/resources';

const ATTRIBUTE = 'maintenanceConfiguration.maintenanceWindows';
const a = cache({ name: 'cache-a' }, { name: 'a' });
const b = cache({ name: 'cache-b' }, { name: 'b' });

/** The azapi_update_resource ManagedRedis synthesizes for maintenanceWindows. */
function windows(target: ReturnType<typeof cache>, list: Array<[string, number, number]>, name = `${target.name}_mw`) {
  return resource(
    'azapi_update_resource',
    {
      type: 'Microsoft.Cache/redisEnterprise@2025-08-01-preview',
      resource_id: idOf(target),
      body: { properties: { maintenanceConfiguration: { maintenanceWindows: list.map(([dayOfWeek, startHourUtc, hours]) => ({ type: 'Weekly', startHourUtc, duration: `PT${hours}H`, schedule: { dayOfWeek } })) } } },
    },
    { name },
  );
}

describe('AMR-RUN-007 caches in one resource group and region have distinct maintenance windows', () => {
  describe('compliant', () => {
    it('does not apply to a cache alone in its stack', () => {
      expect(check(maintenanceStaggered, a)).toEqual({ status: 'not-applicable' });
    });

    it('passes caches in other regions or other resource groups', () => {
      expect(check(maintenanceStaggered, a, { others: [cache({ name: 'cache-b', location: 'North Europe' }, { name: 'b' })] })).toEqual({ status: 'pass' });
      expect(check(maintenanceStaggered, a, { others: [cache({ name: 'cache-b', resource_group_name: 'rg-other' }, { name: 'b' })] })).toEqual({ status: 'pass' });
    });

    it('passes two caches whose windows do not overlap', () => {
      const others = [b, windows(a, [['Sunday', 0, 5], ['Wednesday', 0, 5]]), windows(b, [['Sunday', 6, 5], ['Thursday', 0, 5]])];
      expect(check(maintenanceStaggered, a, { others })).toEqual({ status: 'pass' });
    });
  });

  describe('non-compliant', () => {
    it('fails two caches in one resource group and region without windows (West Europe = westeurope)', () => {
      expectFail(check(maintenanceStaggered, a, { others: [cache({ name: 'cache-b', location: 'West Europe' }, { name: 'b' })] }), ATTRIBUTE, "'cache-a' has no maintenance windows", "'cache-b' (no windows)");
    });

    it('names at most five clashing neighbours and counts the rest', () => {
      const others = Array.from({ length: 8 }, (_, i) => cache({ name: `cache-n${i}` }, { name: `n${i}` }));
      const result = check(maintenanceStaggered, a, { others });
      expectFail(result, ATTRIBUTE, "'cache-n0' (no windows)", "'cache-n4' (no windows), 3 more without");
      expect(JSON.stringify(result)).not.toContain("'cache-n5'");
    });

    it('counts neighbours by their windows: those that overlap and those without any clash, the others do not (stack order)', () => {
      const clashing = Array.from({ length: 3 }, (_, i) => cache({ name: `cache-n${i}` }, { name: `n${i}` }));
      const apart = Array.from({ length: 4 }, (_, i) => cache({ name: `cache-m${i}` }, { name: `m${i}` }));
      const bare = Array.from({ length: 2 }, (_, i) => cache({ name: `cache-z${i}` }, { name: `z${i}` }));
      const others = [...clashing, ...apart, ...bare, windows(a, [['Sunday', 0, 5]]), ...clashing.map((c) => windows(c, [['Sunday', 4, 5]])), ...apart.map((c) => windows(c, [['Thursday', 0, 5]]))];
      const result = check(maintenanceStaggered, a, { others });
      expectFail(result, ATTRIBUTE, "with 'cache-n0', 'cache-n1', 'cache-n2', 'cache-z0' (no windows), 'cache-z1' (no windows) without");
      expect(JSON.stringify(result)).not.toMatch(/cache-m\d|more/);
    });

    it('names five of eight neighbours with the same windows and counts the rest', () => {
      const same = Array.from({ length: 8 }, (_, i) => cache({ name: `cache-s${i}` }, { name: `s${i}` }));
      const others = [...same, ...[a, ...same].map((c) => windows(c, [['Tuesday', 2, 4]]))];
      expectFail(check(maintenanceStaggered, a, { others }), ATTRIBUTE, "with 'cache-s0', 'cache-s1', 'cache-s2', 'cache-s3', 'cache-s4', 3 more without");
    });

    it('fails when only one of them has windows', () => {
      expectFail(check(maintenanceStaggered, a, { others: [b, windows(a, [['Sunday', 0, 5]])] }), ATTRIBUTE, "'cache-b' (no windows)");
    });

    it('fails overlapping windows, also across Sunday midnight', () => {
      expectFail(check(maintenanceStaggered, a, { others: [b, windows(a, [['Sunday', 0, 5]]), windows(b, [['Sunday', 4, 5]])] }), ATTRIBUTE, "'cache-b'");
      expectFail(check(maintenanceStaggered, a, { others: [b, windows(a, [['Sunday', 22, 5]]), windows(b, [['Monday', 1, 2]])] }), ATTRIBUTE, "'cache-b'");
    });

    it('is a warning in every profile', () => {
      for (const profile of ['dev', 'production', 'mission-critical'] as const) {
        expect(findingsOf(stack(a, b), 'AMR-RUN-007', profile)).toEqual([expect.objectContaining({ status: 'fail', severity: 'warning' }), expect.objectContaining({ status: 'fail', severity: 'warning' })]);
      }
    });
  });

  describe('unknown', () => {
    it('is unknown when a region or resource group is known only at apply', () => {
      expectUnknown(check(maintenanceStaggered, cache({ name: 'cache-a', location: '${var.location}' }, { name: 'a' }), { others: [b] }), 'location');
      expectUnknown(check(maintenanceStaggered, a, { others: [cache({ name: 'cache-b', resource_group_name: '${var.rg}' }, { name: 'b' })] }), 'resource_group_name');
    });

    it('is unknown when the windows are known only at apply', () => {
      const unresolved = resource('azapi_update_resource', { type: 'Microsoft.Cache/redisEnterprise@2025-08-01-preview', resource_id: idOf(a), body: { properties: { maintenanceConfiguration: '${var.maintenance}' } } }, { name: 'mw' });
      expectUnknown(check(maintenanceStaggered, a, { others: [b, unresolved] }), 'body.properties.maintenanceConfiguration');
      const elsewhere = resource('azapi_update_resource', { type: 'Microsoft.Cache/redisEnterprise@2025-08-01-preview', resource_id: '${var.cache_id}', body: {} }, { name: 'mw' });
      expectUnknown(check(maintenanceStaggered, a, { others: [b, elsewhere] }), 'resource_id');
    });

    it("is unknown when a later neighbour's windows are known only at apply, even after clashes", () => {
      const c = cache({ name: 'cache-c' }, { name: 'c' });
      const unresolved = resource('azapi_update_resource', { type: 'Microsoft.Cache/redisEnterprise@2025-08-01-preview', resource_id: idOf(c), body: { properties: { maintenanceConfiguration: '${var.maintenance}' } } }, { name: 'mw' });
      const result = check(maintenanceStaggered, a, { others: [b, c, unresolved] });
      expectUnknown(result, 'body.properties.maintenanceConfiguration');
      expect(JSON.stringify(result)).toContain("the maintenance windows of 'cache-c' are not known until apply");
    });
  });
});
