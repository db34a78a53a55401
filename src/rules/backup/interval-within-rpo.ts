import { ncrontabIntervalHours } from '../../backup/ncrontab';
import { severities } from '../profiles';
import { attr, displayName, isUnresolved } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { backupMetadata, BACKUP_SOURCES, EXPORTER_TYPES, isExporter, RPO_SETTING, SCHEDULE_SETTING } from './common';

/** AMR-BAK-006: the schedule's interval is at most the declared RPO target. */
export const intervalWithinRpo: Rule = {
  metadata: {
    id: 'AMR-BAK-006',
    title: 'Export interval is within the declared RPO',
    severity: severities.error,
    severityNote: 'only when an RPO target is declared',
    when: ['synth', 'plan'],
    statement: 'When the only copy outside the cache is the newest export, the data lost in a disaster is everything written since it: up to the longest gap between two exports. A schedule sparser than the declared RPO cannot meet it.',
    fix: 'export more often (Schedule.every(hours) with hours at most the RPO), or declare the RPO the schedule can meet (ScheduledExport rpo, or the AMR_EXPORT_RPO_HOURS app setting)',
    fixTerraform: 'export more often (a schedule interval at most the RPO), or declare the RPO the schedule can meet (the AMR_EXPORT_RPO_HOURS app setting of the exporter)',
    sources: [...BACKUP_SOURCES, 'https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer#ncrontab-expressions'],
  },
  appliesTo: EXPORTER_TYPES,
  check: (exporter, { stack }) => {
    if (!isExporter(exporter, stack)) return notApplicable();
    const meta = backupMetadata(exporter);
    let rpo = meta?.rpoHours;
    if (rpo === undefined) {
      const setting = attr(exporter, `app_settings.${RPO_SETTING}`);
      if (setting.kind === 'unknown') return unknown(`app_settings.${RPO_SETTING}`);
      if (setting.kind === 'absent') return notApplicable();
      rpo = Number(setting.value);
      if (!Number.isFinite(rpo) || rpo <= 0) return fail(`${RPO_SETTING} '${String(setting.value)}' is not a positive number of hours`, { attribute: `app_settings.${RPO_SETTING}` });
    }
    let interval = meta?.intervalHours;
    let schedule = meta?.schedule;
    if (interval === undefined || !Number.isFinite(interval)) {
      const setting = attr(exporter, `app_settings.${SCHEDULE_SETTING}`);
      if (setting.kind === 'unknown' || (setting.kind === 'known' && isUnresolved(setting.value))) return unknown(`app_settings.${SCHEDULE_SETTING}`);
      if (setting.kind === 'absent') return unknown(`app_settings.${SCHEDULE_SETTING}`, `'${displayName(exporter)}' declares an RPO of ${rpo} h but no ${SCHEDULE_SETTING} to compare it with`);
      schedule = String(setting.value);
      interval = ncrontabIntervalHours(schedule);
      if (interval === undefined) return fail(`${SCHEDULE_SETTING} '${schedule}' is not a six-field NCRONTAB expression, so the export interval cannot be known`, { attribute: `app_settings.${SCHEDULE_SETTING}` });
    }
    if (interval <= rpo) return pass();
    return fail(
      `'${displayName(exporter)}' exports every ${hours(interval)}${schedule ? ` ('${schedule}')` : ''}, above the declared RPO of ${hours(rpo)}: a disaster just before the next export loses up to ${hours(interval)} of writes`,
      { attribute: `app_settings.${SCHEDULE_SETTING}` },
    );
  },
};

function hours(value: number): string {
  return Number.isInteger(value) ? `${value} h` : `${value.toFixed(2)} h`;
}
