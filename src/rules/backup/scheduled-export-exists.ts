import { MANAGED_REDIS } from '../cache/common';
import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { BACKUP_SOURCES, exportRolesWithUnknownScope, groupExported, unknownGroup } from './common';

/** AMR-BAK-001: production caches have a scheduled export (persistence is not a backup). */
export const scheduledExportExists: Rule = {
  metadata: {
    id: 'AMR-BAK-001',
    title: 'Production caches have a scheduled export',
    severity: severities.errorInMissionCritical,
    when: ['synth', 'plan'],
    statement:
      'Persistence restores the same cache after its nodes fail; it is not a backup. Deleted keys, a bad deployment, a lost cache or a region outage need a copy outside the cache: ' +
      'Azure Managed Redis exports to Blob Storage, but has no scheduler. A geo-replicated group holds one database, so one exported member backs up the group.',
    fix: 'add a ScheduledExport of the cache (or of the geo group), or a scheduled exporter whose identity holds a role with Microsoft.Cache/redisEnterprise/databases/export/action on the cache; if the data is disposable, acknowledge AMR-BAK-001 with a reason',
    fixTerraform: 'add a scheduled exporter of the cache (e.g. a timer function) whose identity holds a role with Microsoft.Cache/redisEnterprise/databases/export/action on the cache; if the data is disposable, suppress AMR-BAK-001 with a reason',
    sources: BACKUP_SOURCES,
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache, { profile, stack }) => {
    if (profile === 'dev') return notApplicable();
    if (groupExported(cache, stack)) return pass();
    const maybe = exportRolesWithUnknownScope(stack);
    if (maybe.length > 0) {
      return unknown('scope', `cannot tell whether ${maybe.map((r) => r.address).join(', ')} exports '${displayName(cache)}': its scope or permissions are not known until apply`);
    }
    if (unknownGroup(cache)) return unknown('default_database.geo_replication_group_name');
    return fail(`'${displayName(cache)}' has no scheduled export: persistence is not a backup, and nothing in this stack exports the cache to Blob Storage`);
  },
};
