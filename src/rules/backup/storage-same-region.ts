import { normalizeRegion } from '../data/regions';
import { severities } from '../profiles';
import { attr, displayName } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { BACKUP_SOURCES, cachesExportedTo, STORAGE_ACCOUNT } from './common';

/** AMR-BAK-002: the export storage account is in the same region as the cache. */
export const exportStorageSameRegion: Rule = {
  metadata: {
    id: 'AMR-BAK-002',
    title: 'Export storage is in the same region as the cache',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'The export API writes only to a storage account in the cache\'s own region; an account elsewhere fails every export. Geo-redundant storage carries the copy to the paired region.',
    fix: "create the export storage account in the cache's region (ScheduledExport does), and make it geo-redundant (AMR-BAK-003) for a copy outside the region",
    fixTerraform: `create the export storage account in the cache's region, and make it geo-redundant (AMR-BAK-003) for a copy outside the region`,
    sources: BACKUP_SOURCES,
  },
  appliesTo: [STORAGE_ACCOUNT],
  check: (account, { stack }) => {
    const caches = cachesExportedTo(account, stack);
    if (caches.length === 0) return notApplicable();
    const location = attr(account, 'location');
    if (location.kind === 'unknown') return unknown('location');
    if (location.kind === 'absent' || typeof location.value !== 'string') return notApplicable();
    for (const cache of caches) {
      const cacheLocation = attr(cache, 'location');
      if (cacheLocation.kind === 'unknown') return unknown('location', `cannot compare regions: the location of cache '${displayName(cache)}' is not known until apply`);
      if (cacheLocation.kind !== 'known' || typeof cacheLocation.value !== 'string') continue;
      if (normalizeRegion(cacheLocation.value) !== normalizeRegion(location.value)) {
        return fail(`export storage '${displayName(account)}' is in ${location.value} but cache '${displayName(cache)}' is in ${cacheLocation.value}: the export API only writes to storage in the cache's region`, { attribute: 'location' });
      }
    }
    return pass();
  },
};
