import { databasePath, MANAGED_REDIS } from '../cache/common';
import { severities } from '../profiles';
import { attr, displayName } from '../terraform';
import { fail, pass, unknown, type Rule } from '../types';
import { GEO_SOURCES, onGeoMembers } from './common';

export const geoMemberNoPersistence: Rule = {
  metadata: {
    id: 'AMR-GEO-005',
    title: 'Geo member has no persistence',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'Persistence cannot be combined with active geo-replication (the provider rejects it): the other regions hold the data. Protect against corruption and deletion with scheduled exports instead.',
    fix: 'remove persistence from every member and add a ScheduledExport of one member',
    fixTerraform: 'remove both persistence_*_backup_frequency attributes from every member and export one member to storage on a schedule instead',
    sources: ['terraform-provider-azurerm v4.55.0 managed_redis_resource.go (ConflictsWith geo_replication_group_name)', ...GEO_SOURCES],
  },
  appliesTo: [MANAGED_REDIS],
  check: onGeoMembers((cache, group) => {
    const fields = ['persistence_append_only_file_backup_frequency', 'persistence_redis_database_backup_frequency'];
    for (const field of fields) {
      const value = attr(cache, databasePath(field));
      if (value.kind === 'unknown') return unknown(`default_database.${field}`);
      if (value.kind === 'known') {
        return fail(`'${displayName(cache)}' is in geo group '${group}' and has persistence (${field} = '${String(value.value)}'); geo members cannot persist`, { attribute: `default_database.${field}` });
      }
    }
    return pass();
  }),
};
