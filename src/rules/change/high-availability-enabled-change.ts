import { MANAGED_REDIS } from '../cache/common';
import { PROVIDER_DEFAULTS } from '../data/values';
import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { afterValue, beforeValue, CHANGE_SOURCES, comparable, isReplaced } from './common';

/** AMR-CHG-003: high availability false → true (Azure can do it in place; azurerm 4.55 replaces the cache). */
export const highAvailabilityEnabledChange: Rule = {
  metadata: {
    id: 'AMR-CHG-003',
    title: 'High availability is not turned on by replacement',
    severity: severities.error,
    severityNote: 'a warning in rules.md, but an error unless acknowledged with a reason',
    acknowledgeableError: true,
    when: ['plan'],
    statement:
      'Azure can enable high availability on an existing cache in place, but high_availability_enabled is ForceNew in azurerm 4.55 (both directions), so Terraform deletes the cache and creates a new one: all data, the hostname and the access keys are lost.',
    fix: 'enable high availability on the existing cache in Azure (portal or Azure CLI) and then set high_availability_enabled = true so the plan shows no change; or acknowledge AMR-CHG-003 with a reason when losing the data is acceptable',
    sources: [...CHANGE_SOURCES, 'https://learn.microsoft.com/azure/redis/how-to-scale'],
  },
  onChanges: true,
  versionDependent: true,
  appliesTo: [MANAGED_REDIS],
  check: (cache, { providerVersion }) => {
    if (!comparable(cache)) return notApplicable();
    const was = beforeValue(cache, 'high_availability_enabled', PROVIDER_DEFAULTS.high_availability_enabled);
    if (was.kind !== 'known' || was.value !== false) return notApplicable();
    const will = afterValue(cache, 'high_availability_enabled', PROVIDER_DEFAULTS.high_availability_enabled);
    if (will.kind === 'unknown') return unknown('high_availability_enabled');
    if (will.value !== true) return pass();
    // The plan's own actions win over any version: an in-place update keeps the cache.
    if (!isReplaced(cache)) return pass();
    return fail(
      `high availability is turned on for '${displayName(cache)}' through Terraform (high_availability_enabled false → true): Azure could do this in place, but azurerm ${providerVersion} replaces the cache, so all data, the hostname and the access keys are lost`,
      { attribute: 'high_availability_enabled' },
    );
  },
};
