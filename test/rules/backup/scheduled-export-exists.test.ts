import { EXPORT_ACTION } from '../../../src/rules/backup/common';
import { scheduledExportExists } from '../../../src/rules/backup/scheduled-export-exists';
import { armId, cache, check, companions, expectFail, expectUnknown, findingsOf, geoMember, resource, stack } from '../../support/resources';
import { handWrittenBackup } from './support';

describe('AMR-BAK-001 production caches have a scheduled export', () => {
  it('passes with a hand-written export role on the cache and its exporter', () => {
    const c = cache();
    expect(check(scheduledExportExists, c, { others: handWrittenBackup(c) })).toEqual({ status: 'pass' });
  });

  it('passes with the ScheduledExport construct’s backupOf metadata', () => {
    const c = cache();
    const exporter = resource('azurerm_function_app_flex_consumption', { name: 'export' }, { name: 'export', amr: { backupOf: [c.address] } });
    expect(check(scheduledExportExists, c, { others: [exporter] })).toEqual({ status: 'pass' });
  });

  it('passes with an export role scoped to a literal ARM ID of the cache', () => {
    const role = resource('azurerm_role_definition', { name: 'export', scope: armId('orders-cache'), permissions: [{ actions: [EXPORT_ACTION] }] });
    expect(check(scheduledExportExists, cache(), { others: [role] })).toEqual({ status: 'pass' });
  });

  it('passes for every member of a geo group when one member is exported (one database)', () => {
    const [a, b] = [geoMember('a'), geoMember('b')];
    const backup = handWrittenBackup(a);
    expect(check(scheduledExportExists, b, { others: [a, ...backup] })).toEqual({ status: 'pass' });
    expect(check(scheduledExportExists, a, { others: [b, ...backup] })).toEqual({ status: 'pass' });
  });

  it('fails without any export, even with persistence (persistence is not a backup)', () => {
    expectFail(check(scheduledExportExists, cache()), undefined, "'orders-cache'", 'persistence is not a backup');
  });

  it('fails when the only export role is on another cache', () => {
    const other = cache({ name: 'other' }, { name: 'other' });
    expect(check(scheduledExportExists, cache(), { others: [other, ...handWrittenBackup(other)] }).status).toBe('fail');
  });

  it('is a warning in production, an error in mission-critical, not applicable in dev', () => {
    const c = cache();
    const view = stack(c, ...companions(c));
    expect(findingsOf(view, 'AMR-BAK-001', 'production')).toEqual([expect.objectContaining({ status: 'fail', severity: 'warning' })]);
    expect(findingsOf(view, 'AMR-BAK-001', 'mission-critical')).toEqual([expect.objectContaining({ status: 'fail', severity: 'error' })]);
    expect(check(scheduledExportExists, c, { profile: 'dev' })).toEqual({ status: 'not-applicable' });
  });

  it('is unknown when an export role is scoped to a value known only at apply', () => {
    const role = resource('azurerm_role_definition', { name: 'export', scope: '${var.cache_id}', permissions: [{ actions: [EXPORT_ACTION] }] });
    const result = check(scheduledExportExists, cache(), { others: [role] });
    expectUnknown(result, 'scope');
    if (result.status === 'unknown') expect(result.message).toContain('azurerm_role_definition.this');
  });

  it('is unknown when the geo group name is unresolved (another member may be exported)', () => {
    expectUnknown(check(scheduledExportExists, cache({ default_database: { geo_replication_group_name: '${var.group}' } })), 'default_database.geo_replication_group_name');
  });
});
