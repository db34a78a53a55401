import { MANAGED_REDIS } from '../cache/common';
import { severities } from '../profiles';
import { displayName, knownValue } from '../terraform';
import { fail, notApplicable, pass, type Rule } from '../types';
import { actionsText, CHANGE_SOURCES, describeChanges, existed, isDeleted, isDestroyed, replacingChanges } from './common';

/** AMR-CHG-001: any replacement of a cache (actions contain delete): all data, hostname and keys lost. */
export const cacheReplacement: Rule = {
  metadata: {
    id: 'AMR-CHG-001',
    title: 'An existing cache is not replaced or destroyed',
    severity: severities.error,
    when: ['plan'],
    statement:
      'Deleting an azurerm_managed_redis, alone or as half of a replacement, deletes the cache: all data, the hostname and the access keys are lost and every client fails until it is reconfigured. ' +
      'azurerm 4.55 replaces the cache when name, resource_group_name, location, sku_name or high_availability_enabled change.',
    fix: 'revert the attribute the plan marks "forces replacement"; to scale or enable HA change the existing cache in Azure first and then align the configuration, or move the data with export/import to a new cache; acknowledge only a deliberate rebuild of disposable data',
    sources: CHANGE_SOURCES,
  },
  onChanges: true,
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    if (!existed(cache)) return notApplicable();
    if (!isDeleted(cache)) return pass();
    const loss = 'all data, the hostname and the access keys are lost';
    if (isDestroyed(cache)) {
      const sku = knownValue(cache, 'sku_name');
      const location = knownValue(cache, 'location');
      return fail(`'${displayName(cache)}' (${String(sku ?? 'sku unknown')} in ${String(location ?? 'an unknown region')}) is destroyed (actions ${actionsText(cache)}; cache → (none)): ${loss}`);
    }
    const causes = replacingChanges(cache);
    const why = causes.length > 0 ? describeChanges(causes) : 'no replacing attribute changes: forced by -replace, a tainted resource or replace_triggered_by';
    return fail(`'${displayName(cache)}' is replaced (actions ${actionsText(cache)}; ${why}): ${loss}`, causes.length > 0 ? { attribute: causes[0].attribute } : {});
  },
};
