import { geoGroupNameFormat, groupNameProblems } from '../../../src/rules/geo/group-name-format';
import { cache, check, expectFail, expectUnknown, findingsOf, geoMember, stack } from '../../support/resources';

const named = (geo_replication_group_name: string) => geoMember('a', { default_database: { geo_replication_group_name } });

describe('AMR-GEO-006 geo group name format', () => {
  it.each(['orders-geo', 'a', 'A1', 'x'.repeat(63), 'Orders-Geo-2'])('passes for %s', (name) => {
    expect(check(geoGroupNameFormat, named(name))).toEqual({ status: 'pass' });
    expect(groupNameProblems(name)).toEqual([]);
  });

  it.each<[string, string]>([
    ['', '0 characters'],
    ['x'.repeat(64), '64 characters'],
    ['orders_geo', 'only letters, numbers and hyphens'],
    ['orders geo', 'only letters, numbers and hyphens'],
    ['-orders', 'start and end with a letter or number'],
    ['orders-', 'start and end with a letter or number'],
    ['orders--geo', 'consecutive hyphens'],
  ])('fails for %j (%s)', (name, reason) => {
    expectFail(check(geoGroupNameFormat, named(name)), 'default_database.geo_replication_group_name', `'${name}'`, reason);
  });

  it('is not applicable to a cache without a group name', () => {
    expect(check(geoGroupNameFormat, cache())).toEqual({ status: 'not-applicable' });
  });

  it('is unknown for an unresolved group name', () => {
    expectUnknown(check(geoGroupNameFormat, named('${var.group}')), 'default_database.geo_replication_group_name');
  });

  it('is reported as an error', () => {
    expect(findingsOf(stack(named('bad--name')), 'AMR-GEO-006', 'dev')).toEqual([expect.objectContaining({ severity: 'error', status: 'fail' })]);
  });
});
