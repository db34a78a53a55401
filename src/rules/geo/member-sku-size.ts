import { MANAGED_REDIS, skuOf } from '../cache/common';
import { NON_GEO_SKUS } from '../data/skus';
import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { GEO_SOURCES, onGeoMembers } from './common';

export const geoMemberSkuSize: Rule = {
  metadata: {
    id: 'AMR-GEO-001',
    title: 'Geo member SKU is not Balanced_B0 or B1',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'Active geo-replication is not available on the two smallest SKUs, Balanced_B0 and Balanced_B1 (the provider rejects them at plan).',
    fix: 'choose Balanced_B3 or larger (or another tier) for every member of the group',
    sources: ['terraform-provider-azurerm v4.55.0 validate/managed_redis_sku.go (SKUsSupportingGeoReplication)', ...GEO_SOURCES],
  },
  appliesTo: [MANAGED_REDIS],
  check: onGeoMembers((cache, group) => {
    const sku = skuOf(cache);
    if (sku.kind === 'unknown') return unknown('sku_name');
    if (sku.kind !== 'known') return notApplicable();
    return NON_GEO_SKUS.includes(sku.name)
      ? fail(`'${displayName(cache)}' is in geo group '${group}' with SKU ${sku.name}, which does not support geo-replication (not allowed: ${NON_GEO_SKUS.join(', ')})`, { attribute: 'sku_name' })
      : pass();
  }),
};
