import { stalenessAlert } from '../../../src/rules/backup/staleness-alert';
import { cache, check, expectFail, expectUnknown, findingsOf, resource, stack } from '../../support/resources';
import { handWrittenBackup, piece } from './support';

const exporterOf = (backup: ReturnType<typeof handWrittenBackup>) => piece(backup, 'azurerm_linux_function_app', 'exporter');

describe('AMR-BAK-008 an alert fires when the newest backup is older than 2 × the interval', () => {
  it('passes with a log alert over the exporter’s Application Insights', () => {
    const c = cache();
    const backup = handWrittenBackup(c);
    expect(check(stalenessAlert, exporterOf(backup), { others: [c, ...backup] })).toEqual({ status: 'pass' });
  });

  it('fails without an alert, as a warning', () => {
    const c = cache();
    const backup = handWrittenBackup(c, {}, ['alert']);
    expectFail(check(stalenessAlert, exporterOf(backup), { others: [c, ...backup] }), undefined, "'orders-export'", 'unnoticed');
    expect(findingsOf(stack(c, ...backup), 'AMR-BAK-008', 'mission-critical')).toEqual([expect.objectContaining({ status: 'fail', severity: 'warning' })]);
  });

  it('fails when the only alert watches something else', () => {
    const c = cache();
    const backup = handWrittenBackup(c, { alert: { scopes: ['${azurerm_application_insights.other.id}'] } });
    expect(check(stalenessAlert, exporterOf(backup), { others: [c, ...backup] }).status).toBe('fail');
  });

  it('reads the construct’s metadata: the alert must wait at most 2 × the interval', () => {
    const c = cache();
    const meta = { backupOf: [c.address], backup: { part: 'exporter', exportedCache: c.address, intervalHours: 6 } };
    const exporter = resource('azurerm_function_app_flex_consumption', { name: 'f' }, { name: 'f', amr: meta });
    const alert = (stalenessHours: number) =>
      resource('azurerm_monitor_scheduled_query_rules_alert_v2', { name: 'a', scopes: ['/x'] }, { name: 'a', amr: { backup: { part: 'staleness-alert', exporter: exporter.address, stalenessHours } } });
    expect(check(stalenessAlert, exporter, { others: [c, alert(12)] })).toEqual({ status: 'pass' });
    expectFail(check(stalenessAlert, exporter, { others: [c, alert(24)] }), 'criteria.query', '24 h');
  });

  it('is unknown when an alert’s scopes are known only at apply', () => {
    const c = cache();
    const backup = handWrittenBackup(c, { alert: { scopes: ['${var.insights_id}'] } });
    expectUnknown(check(stalenessAlert, exporterOf(backup), { others: [c, ...backup] }), 'scopes');
  });

  it('is not applicable to a function app that exports nothing', () => {
    const web = resource('azurerm_linux_function_app', { name: 'web' }, { name: 'web' });
    expect(check(stalenessAlert, web, { others: [cache()] })).toEqual({ status: 'not-applicable' });
  });
});
