import { DEFAULT_PROFILE, severities } from '../profiles';
import { attr, displayName } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { BACKUP_SOURCES, cachesExportedTo, STORAGE_ACCOUNT } from './common';

const GEO_REDUNDANT = ['GRS', 'RAGRS', 'GZRS', 'RAGZRS'];

/** AMR-BAK-003: export storage is geo-redundant. */
export const exportStorageGeoRedundant: Rule = {
  metadata: {
    id: 'AMR-BAK-003',
    title: 'Export storage is geo-redundant',
    severity: severities.errorInMissionCritical,
    severityNote: 'error when a mission-critical cache is exported to it',
    when: ['synth', 'plan'],
    statement: 'Exports must live in the cache\'s region; only geo-redundant storage (GRS, RA-GRS, GZRS, RA-GZRS) keeps a copy in the paired region, so that a region outage does not take the cache and its backups together.',
    fix: "set account_replication_type to RAGZRS (regions with zones) or RAGRS; ScheduledExport's default storageRedundancy does",
    fixTerraform: 'set account_replication_type = "RAGZRS" (regions with zones) or "RAGRS" on the export storage account',
    sources: BACKUP_SOURCES,
  },
  appliesTo: [STORAGE_ACCOUNT],
  check: (account, { stack }) => {
    const caches = cachesExportedTo(account, stack);
    if (caches.length === 0) return notApplicable();
    const replication = attr(account, 'account_replication_type');
    if (replication.kind === 'unknown') return unknown('account_replication_type');
    const value = replication.kind === 'known' ? String(replication.value) : '(not set)';
    if (GEO_REDUNDANT.includes(value.toUpperCase().replace(/[^A-Z]/g, ''))) return pass();
    return fail(`export storage '${displayName(account)}' has account_replication_type ${value}, which keeps no copy outside the region (allowed: GRS, RAGRS, GZRS, RAGZRS)`, {
      attribute: 'account_replication_type',
      escalate: caches.some((c) => (c.amr?.profile ?? stack.profile ?? DEFAULT_PROFILE) === 'mission-critical'),
    });
  },
};
