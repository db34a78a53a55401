import { geoMemberNoPersistence } from '../../../src/rules/geo/member-no-persistence';
import { cache, check, expectFail, expectUnknown, findingsOf, geoMember, stack } from '../../support/resources';

describe('AMR-GEO-005 geo member has no persistence', () => {
  it('passes for a geo member without persistence', () => {
    expect(check(geoMemberNoPersistence, geoMember('a'))).toEqual({ status: 'pass' });
  });

  it('fails with RDB persistence, naming the field and its value', () => {
    expectFail(
      check(geoMemberNoPersistence, geoMember('a', { default_database: { persistence_redis_database_backup_frequency: '6h' } })),
      'default_database.persistence_redis_database_backup_frequency',
      "'cache-a'",
      "'orders-geo'",
      "persistence_redis_database_backup_frequency = '6h'",
    );
  });

  it('fails with AOF persistence, naming the field and its value', () => {
    expectFail(
      check(geoMemberNoPersistence, geoMember('a', { default_database: { persistence_append_only_file_backup_frequency: '1s' } })),
      'default_database.persistence_append_only_file_backup_frequency',
      "persistence_append_only_file_backup_frequency = '1s'",
    );
  });

  it('is not applicable to a non-geo cache with persistence (the compliant cache has RDB 1h)', () => {
    expect(check(geoMemberNoPersistence, cache())).toEqual({ status: 'not-applicable' });
  });

  it('is unknown for an unresolved persistence frequency', () => {
    expectUnknown(
      check(geoMemberNoPersistence, geoMember('a', { default_database: { persistence_redis_database_backup_frequency: '${var.rdb}' } })),
      'default_database.persistence_redis_database_backup_frequency',
    );
    expectUnknown(
      check(geoMemberNoPersistence, geoMember('a', { default_database: { persistence_append_only_file_backup_frequency: '${var.aof}' } })),
      'default_database.persistence_append_only_file_backup_frequency',
    );
  });

  it('is reported as an error on the persisting member', () => {
    const view = stack(geoMember('a'), geoMember('b', { location: 'northeurope', default_database: { persistence_redis_database_backup_frequency: '1h' } }));
    expect(findingsOf(view, 'AMR-GEO-005').map((f) => [f.resource, f.severity])).toEqual([['azurerm_managed_redis.b', 'error']]);
  });
});
