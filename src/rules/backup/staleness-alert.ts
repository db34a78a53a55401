import { resourcesMaybeReferring } from '../cache/common';
import { severities } from '../profiles';
import { ofType } from '../stack-index';
import { attr, displayName, referencedAddresses, type StackView, type TerraformResource, isAddressOf } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { ALERT_TYPES, APPLICATION_INSIGHTS, backupMetadata, BACKUP_SOURCES, EXPORTER_TYPES, isExporter } from './common';

/** AMR-BAK-008: an alert fires when the newest backup is older than 2 × the interval. */
export const stalenessAlert: Rule = {
  metadata: {
    id: 'AMR-BAK-008',
    title: 'An alert fires when the newest backup is too old',
    severity: severities.warning,
    when: ['synth', 'plan'],
    statement: 'A scheduled export fails silently: expired credentials, a full or firewalled account, a stopped function. Without an alert on the age of the newest successful export, the first sign is a restore that finds nothing recent.',
    fix: "alert when no export succeeded for 2 × the interval: a log alert over the exporter's telemetry (ScheduledExport creates one over Application Insights), with an action group",
    fixTerraform: `alert when no export succeeded for 2 × the interval: an azurerm_monitor_scheduled_query_rules_alert_v2 over the exporter's telemetry, with an action group`,
    sources: [...BACKUP_SOURCES, 'https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-create-log-alert-rule'],
  },
  appliesTo: EXPORTER_TYPES,
  check: (exporter, { stack }) => {
    if (!isExporter(exporter, stack)) return notApplicable();
    const interval = backupMetadata(exporter)?.intervalHours;
    const marked = ofType(stack, ALERT_TYPES[0]).concat(ofType(stack, ALERT_TYPES[1]), ofType(stack, ALERT_TYPES[2])).filter((a) => backupMetadata(a)?.exporter === exporter.address);
    for (const alert of marked) {
      const staleness = backupMetadata(alert)?.stalenessHours;
      if (interval === undefined || staleness === undefined || staleness <= 2 * interval + 1e-9) return pass();
      return fail(`the staleness alert ${alert.address} waits ${staleness} h, more than 2 × the ${interval} h interval`, { attribute: 'criteria.query' });
    }
    const telemetry = telemetryOf(exporter);
    if (telemetry.length > 0 && alertsOver(stack, telemetry).length > 0) return pass();
    if (telemetry.length === 0) {
      const connection = attr(exporter, 'site_config.application_insights_connection_string');
      if (connection.kind === 'unknown' && referencedAddresses(connection.expression).length === 0) return unknown('site_config.application_insights_connection_string');
    }
    const maybe = ALERT_TYPES.flatMap((t) => resourcesMaybeReferring(stack, t, 'scopes'));
    if (maybe.length > 0) return unknown('scopes', `cannot tell whether ${maybe.map((a) => a.address).join(', ')} watches '${displayName(exporter)}': its scopes are not known until apply`);
    return fail(`no alert watches the exports of '${displayName(exporter)}': a failing schedule goes unnoticed until a restore finds no recent backup`);
  },
};

/** The Application Insights resources whose connection string the exporter uses. */
function telemetryOf(exporter: TerraformResource): string[] {
  const values = [exporter.values.site_config, exporter.values.app_settings];
  return referencedAddresses(values).filter((a) => isAddressOf(a, APPLICATION_INSIGHTS));
}

/** Alerts whose scopes include one of these resources. */
function alertsOver(stack: StackView, targets: readonly string[]): TerraformResource[] {
  return ALERT_TYPES.flatMap((t) => ofType(stack, t)).filter((alert) => {
    const scopes = referencedAddresses([alert.values.scopes, alert.values.data_source_id, alert.values.resource_id]);
    return scopes.some((s) => targets.includes(s));
  });
}
