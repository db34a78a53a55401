import { intervalWithinRpo } from '../../../src/rules/backup/interval-within-rpo';
import { cache, check, expectFail, expectUnknown, findingsOf, resource, stack } from '../../support/resources';
import { handWrittenBackup, piece } from './support';

const setup = (settings: Record<string, unknown>) => {
  const c = cache();
  const backup = handWrittenBackup(c, { exporter: { app_settings: settings } });
  return { c, backup, exporter: piece(backup, 'azurerm_linux_function_app', 'exporter') };
};

describe('AMR-BAK-006 schedule interval ≤ the declared RPO target', () => {
  it('is not applicable when no RPO is declared', () => {
    const { c, backup, exporter } = setup({});
    expect(check(intervalWithinRpo, exporter, { others: [c, ...backup] })).toEqual({ status: 'not-applicable' });
  });

  it('passes when the schedule runs at least as often as the RPO', () => {
    for (const rpo of ['6', '8']) {
      const { c, backup, exporter } = setup({ AMR_EXPORT_RPO_HOURS: rpo });
      expect(check(intervalWithinRpo, exporter, { others: [c, ...backup] })).toEqual({ status: 'pass' });
    }
  });

  it('fails when the interval exceeds the RPO, as an error in every profile', () => {
    const { c, backup, exporter } = setup({ AMR_EXPORT_RPO_HOURS: '4' });
    expectFail(check(intervalWithinRpo, exporter, { others: [c, ...backup] }), 'app_settings.AMR_EXPORT_SCHEDULE', '6 h', '4 h', '0 0 */6 * * *');
    expect(findingsOf(stack(c, ...backup), 'AMR-BAK-006', 'dev')).toEqual([expect.objectContaining({ status: 'fail', severity: 'error' })]);
  });

  it('takes the longest gap of an uneven cron schedule', () => {
    const { c, backup, exporter } = setup({ AMR_EXPORT_SCHEDULE: '0 0 0,2 * * *', AMR_EXPORT_RPO_HOURS: '12' });
    expectFail(check(intervalWithinRpo, exporter, { others: [c, ...backup] }), 'app_settings.AMR_EXPORT_SCHEDULE', '22 h');
  });

  it('fails when the schedule is not NCRONTAB', () => {
    const { c, backup, exporter } = setup({ AMR_EXPORT_SCHEDULE: '0 */6 * * *', AMR_EXPORT_RPO_HOURS: '6' });
    expectFail(check(intervalWithinRpo, exporter, { others: [c, ...backup] }), 'app_settings.AMR_EXPORT_SCHEDULE', 'NCRONTAB');
  });

  it('reads the construct’s metadata', () => {
    const c = cache();
    const meta = (rpoHours: number) => ({ backupOf: [c.address], backup: { part: 'exporter', exportedCache: c.address, intervalHours: 6, rpoHours, schedule: '0 0 */6 * * *' } });
    const failing = resource('azurerm_function_app_flex_consumption', { name: 'f' }, { name: 'f', amr: meta(4) });
    expect(check(intervalWithinRpo, failing, { others: [c] }).status).toBe('fail');
    const passing = resource('azurerm_function_app_flex_consumption', { name: 'f' }, { name: 'f', amr: meta(6) });
    expect(check(intervalWithinRpo, passing, { others: [c] })).toEqual({ status: 'pass' });
  });

  it('is unknown when the schedule or the RPO is known only at apply', () => {
    const a = setup({ AMR_EXPORT_SCHEDULE: '${var.schedule}', AMR_EXPORT_RPO_HOURS: '4' });
    expectUnknown(check(intervalWithinRpo, a.exporter, { others: [a.c, ...a.backup] }), 'app_settings.AMR_EXPORT_SCHEDULE');
    const b = setup({ AMR_EXPORT_RPO_HOURS: '${var.rpo}' });
    expectUnknown(check(intervalWithinRpo, b.exporter, { others: [b.c, ...b.backup] }), 'app_settings.AMR_EXPORT_RPO_HOURS');
  });

  it('is not applicable to a function app that exports nothing', () => {
    const other = resource('azurerm_linux_function_app', { name: 'web', app_settings: { AMR_EXPORT_RPO_HOURS: '1' } }, { name: 'web' });
    expect(check(intervalWithinRpo, other, { others: [cache()] })).toEqual({ status: 'not-applicable' });
  });
});
