import { MANAGED_REDIS } from '../cache/common';
import { PROVIDER_DEFAULTS } from '../data/values';
import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { afterValue, beforeValue, CHANGE_SOURCES, comparable } from './common';

/** AMR-CHG-002: high availability true → false. */
export const highAvailabilityDisabled: Rule = {
  metadata: {
    id: 'AMR-CHG-002',
    title: 'High availability is not turned off',
    severity: severities.error,
    when: ['plan'],
    statement:
      'High availability (and with it zone redundancy) cannot be disabled on an existing cache. high_availability_enabled is ForceNew in azurerm, so turning it off replaces the cache: all data, the hostname and the access keys are lost, and the new cache has one node and no SLA.',
    fix: 'keep high_availability_enabled = true (highAvailability: true); to save cost on a disposable cache create a new non-HA cache beside it and move clients deliberately',
    fixTerraform: 'keep high_availability_enabled = true; to save cost on a disposable cache create a new non-HA cache beside it and move clients deliberately',
    sources: CHANGE_SOURCES,
  },
  onChanges: true,
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    if (!comparable(cache)) return notApplicable();
    const was = beforeValue(cache, 'high_availability_enabled', PROVIDER_DEFAULTS.high_availability_enabled);
    if (was.kind !== 'known' || was.value !== true) return notApplicable();
    const will = afterValue(cache, 'high_availability_enabled', PROVIDER_DEFAULTS.high_availability_enabled);
    if (will.kind === 'unknown') return unknown('high_availability_enabled');
    if (will.value !== false) return pass();
    return fail(
      `high availability is turned off on '${displayName(cache)}' (high_availability_enabled true → false): HA and zone redundancy cannot be disabled in place, so the provider replaces the cache; all data, the hostname and the access keys are lost and the new cache has one node and no SLA`,
      { attribute: 'high_availability_enabled' },
    );
  },
};
