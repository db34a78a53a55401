import { MANAGED_REDIS } from '../cache/common';
import { findSku } from '../data/skus';
import { versionAtLeast } from '../geo/common';
import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { actionsText, afterValue, beforeValue, CHANGE_SOURCES, comparable, groupAfter, groupBefore, isReplaced, plannedPeers, SKU_IN_PLACE_VERSION } from './common';

const FLASH = 'FlashOptimized';

/**
 * AMR-CHG-004: sku_name change (replacement before 4.61; never Flash ↔ in-memory; geo members together). Microsoft's
 * scaling page allows scaling down to a SKU that listSkusForScaling returns when the data fits (checked at runtime:
 * AMR-RUN-005), for geo-replicated caches too (in preview); the geo-specific ban on scaling down this rule once had is gone.
 */
export const skuChange: Rule = {
  metadata: {
    id: 'AMR-CHG-004',
    title: 'A SKU change keeps the cache and its geo group',
    severity: severities.error,
    when: ['plan'],
    statement:
      `sku_name is ForceNew before azurerm ${SKU_IN_PLACE_VERSION}: changing it on 4.55 replaces the cache and loses its data. From ${SKU_IN_PLACE_VERSION} the provider scales in place when Azure lists the target SKU, ` +
      'but Azure never scales between Flash Optimized and the in-memory tiers, and scaling one geo member locks the others until every member reaches the same SKU. ' +
      'Scaling down is allowed (also for geo-replicated caches, in preview) to a SKU that listSkusForScaling returns, when the used memory fits the smaller size (AMR-RUN-005).',
    fix:
      `on azurerm < ${SKU_IN_PLACE_VERSION} scale the cache in Azure (portal or Azure CLI) and then align sku_name, or upgrade the provider to ${SKU_IN_PLACE_VERSION} or later; ` +
      'never cross between FlashOptimized and the in-memory tiers on an existing cache; change every geo member to the same SKU in one plan; ' +
      'before scaling down, check that the target is in listSkusForScaling and that the used memory fits it',
    sources: [
      ...CHANGE_SOURCES,
      'https://learn.microsoft.com/azure/redis/how-to-scale (2026: "You can also scale down to a smaller or more appropriate tier"; "Scaling geo-replicated Azure Managed Redis caches is in preview"; no geo-specific ban on scaling down)',
      'https://learn.microsoft.com/rest/api/redis/redisenterprisecache/redis-enterprise/list-skus-for-scaling',
      'https://learn.microsoft.com/azure/redis/how-to-active-geo-replication',
    ],
  },
  onChanges: true,
  versionDependent: true,
  appliesTo: [MANAGED_REDIS],
  check: (cache, { providerVersion, stack }) => {
    if (!comparable(cache)) return notApplicable();
    const was = beforeValue(cache, 'sku_name');
    const will = afterValue(cache, 'sku_name');
    if (will.kind === 'unknown' || was.kind === 'unknown') return unknown('sku_name');
    const from = String(was.value);
    const to = String(will.value);
    if (from === to) return pass();
    const name = displayName(cache);
    const change = `sku_name ${from} → ${to}`;
    const fromSku = findSku(from);
    const toSku = findSku(to);
    const attribute = { attribute: 'sku_name' };
    if (fromSku && toSku && (fromSku.tier === FLASH) !== (toSku.tier === FLASH)) {
      return fail(`'${name}' changes between Flash Optimized and an in-memory tier (${change}): Azure cannot scale between them, so the cache is recreated and its data lost`, attribute);
    }
    // The plan's own actions say whether the SKU change replaces the cache; the version only explains why.
    if (isReplaced(cache)) {
      return versionAtLeast(providerVersion, SKU_IN_PLACE_VERSION)
        ? fail(`'${name}' changes SKU (${change}) and the plan replaces the cache (actions ${actionsText(cache)}): Azure does not list ${to} as a scaling target of ${from}, so all data is lost`, attribute)
        : fail(`'${name}' changes SKU (${change}), which replaces the cache on azurerm ${providerVersion} (sku_name is ForceNew before ${SKU_IN_PLACE_VERSION}; actions ${actionsText(cache)}): all data, the hostname and the access keys are lost`, attribute);
    }
    const group = groupAfter(cache);
    if (group === undefined) return unknown('default_database.geo_replication_group_name');
    const geoGroup = group || groupBefore(cache);
    if (geoGroup === '') return pass();
    const lagging: string[] = [];
    for (const peer of plannedPeers(cache, geoGroup, stack)) {
      const peerSku = afterValue(peer, 'sku_name');
      if (peerSku.kind === 'unknown') return unknown('sku_name', `cannot judge the SKU change of geo member '${name}': the planned sku_name of member '${displayName(peer)}' is not known until apply`);
      if (peerSku.value !== to) lagging.push(`'${displayName(peer)}' (${String(peerSku.value)})`);
    }
    if (lagging.length > 0) {
      return fail(
        `geo member '${name}' of group '${geoGroup}' changes SKU (${change}) but ${lagging.join(', ')} ${lagging.length > 1 ? 'do' : 'does'} not change to ${to} in this plan: scaling one member locks the others until every member reaches the same SKU`,
        attribute,
      );
    }
    return pass();
  },
};
