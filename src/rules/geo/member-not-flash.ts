import { MANAGED_REDIS, skuOf } from '../cache/common';
import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { GEO_SOURCES, onGeoMembers } from './common';

export const geoMemberNotFlash: Rule = {
  metadata: {
    id: 'AMR-GEO-002',
    title: 'Geo member is not Flash Optimized',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'Flash Optimized caches do not support active geo-replication. The provider does not check it; the API rejects it at apply, after the caches are created.',
    fix: 'choose a MemoryOptimized, Balanced or ComputeOptimized SKU for the group',
    sources: GEO_SOURCES,
  },
  appliesTo: [MANAGED_REDIS],
  check: onGeoMembers((cache, group) => {
    const sku = skuOf(cache);
    if (sku.kind === 'unknown') return unknown('sku_name');
    if (sku.kind !== 'known') return notApplicable();
    return sku.sku?.tier === 'FlashOptimized'
      ? fail(`'${displayName(cache)}' is in geo group '${group}' with Flash Optimized SKU ${sku.name}; geo-replication needs an in-memory tier`, { attribute: 'sku_name' })
      : pass();
  }),
};
