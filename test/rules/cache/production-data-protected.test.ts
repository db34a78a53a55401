import { EXPORT_ACTION } from '../../../src/rules/backup/common';
import { productionDataProtected } from '../../../src/rules/cache/production-data-protected';
import type { Profile } from '../../../src/rules/types';
import { cache, check, companions, expectFail, expectUnknown, findingsOf, resource, stack } from '../../support/resources';

const AOF = 'default_database.persistence_append_only_file_backup_frequency';
const RDB = 'default_database.persistence_redis_database_backup_frequency';
const noPersistence = () => cache({ default_database: { persistence_redis_database_backup_frequency: undefined } });

describe('AMR-PER-003 a non-geo production cache has persistence or a scheduled export', () => {
  it('passes with RDB or AOF persistence', () => {
    expect(check(productionDataProtected, cache())).toEqual({ status: 'pass' });
    expect(
      check(productionDataProtected, cache({ default_database: { persistence_redis_database_backup_frequency: undefined, persistence_append_only_file_backup_frequency: '1s' } })),
    ).toEqual({ status: 'pass' });
  });

  it('fails without persistence or export', () => {
    expectFail(check(productionDataProtected, noPersistence()), RDB, 'orders-cache', 'neither persistence nor a scheduled export');
  });

  it('fails in mission-critical too', () => {
    expect(check(productionDataProtected, noPersistence(), { profile: 'mission-critical' }).status).toBe('fail');
  });

  it('is not applicable in dev', () => {
    expect(check(productionDataProtected, noPersistence(), { profile: 'dev' })).toEqual({ status: 'not-applicable' });
    const c = noPersistence();
    expect(findingsOf(stack(c, ...companions(c)), 'AMR-PER-003', 'dev')).toEqual([]);
    expect(findingsOf(stack(c, ...companions(c)), 'AMR-PER-003', 'production')).toEqual([expect.objectContaining({ status: 'fail', severity: 'warning' })]);
  });

  it('is not applicable to a geo-replication member (persistence is not allowed there)', () => {
    const geo = cache({ default_database: { persistence_redis_database_backup_frequency: undefined, geo_replication_group_name: 'orders-geo' } });
    expect(check(productionDataProtected, geo)).toEqual({ status: 'not-applicable' });
  });

  it('passes with a scheduled export recorded by the ScheduledExport construct', () => {
    const c = noPersistence();
    const exporter = resource('azurerm_logic_app_workflow', { name: 'export' }, { name: 'export', amr: { backupOf: [c.address] } });
    expect(check(productionDataProtected, c, { others: [exporter] })).toEqual({ status: 'pass' });
    const otherExporter = resource('azurerm_logic_app_workflow', { name: 'export' }, { name: 'export', amr: { backupOf: ['azurerm_managed_redis.other'] } });
    expect(check(productionDataProtected, c, { others: [otherExporter] }).status).toBe('fail');
  });

  it('passes with a custom role granting the export action on the cache', () => {
    const c = noPersistence();
    const role = resource('azurerm_role_definition', {
      name: 'exporter',
      scope: `\${${c.address}.id}`,
      permissions: [{ actions: ['Microsoft.Cache/redisEnterprise/read', EXPORT_ACTION] }],
    });
    expect(check(productionDataProtected, c, { others: [role] })).toEqual({ status: 'pass' });
  });

  it('is unknown when the geo group name is unresolved and nothing protects the data', () => {
    const c = cache({ default_database: { persistence_redis_database_backup_frequency: undefined, geo_replication_group_name: '${var.geo_group}' } });
    expectUnknown(check(productionDataProtected, c), 'default_database.geo_replication_group_name');
  });

  it('is unknown when the only persistence setting is unresolved (it may be null)', () => {
    expectUnknown(check(productionDataProtected, cache({ default_database: { persistence_redis_database_backup_frequency: '${var.rdb}' } })), RDB);
    expectUnknown(
      check(productionDataProtected, cache({ default_database: { persistence_redis_database_backup_frequency: undefined, persistence_append_only_file_backup_frequency: '${var.aof}' } })),
      AOF,
    );
  });

  it('passes with a scheduled export even when the persistence setting is unresolved', () => {
    const c = cache({ default_database: { persistence_redis_database_backup_frequency: '${var.rdb}' } });
    const exporter = resource('azurerm_logic_app_workflow', { name: 'export' }, { name: 'export', amr: { backupOf: [c.address] } });
    expect(check(productionDataProtected, c, { others: [exporter] })).toEqual({ status: 'pass' });
  });

  it.each<Profile>(['production', 'mission-critical'])('passes in %s with known persistence even if the geo group is unresolved', (profile) => {
    const c = cache({ default_database: { geo_replication_group_name: '${var.geo_group}' } });
    expect(check(productionDataProtected, c, { profile })).toEqual({ status: 'pass' });
  });
});
