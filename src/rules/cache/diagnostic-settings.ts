import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, pass, unknown, type Rule } from '../types';
import { DIAGNOSTIC_SETTING, MANAGED_REDIS, resourcesMaybeReferring, resourcesReferring } from './common';

/** AMR-OBS-001: diagnostic settings exist for the cache. */
export const diagnosticSettings: Rule = {
  metadata: {
    id: 'AMR-OBS-001',
    title: 'Diagnostic settings are configured',
    severity: severities.warning,
    when: ['synth', 'plan'],
    statement: 'Without diagnostic settings, metrics history and connection logs are not kept: failovers, evictions and geo-replication health cannot be investigated or alerted on.',
    fix: 'pass logAnalyticsWorkspaceId to the construct, or declare an azurerm_monitor_diagnostic_setting whose target_resource_id is the cache (or its default database)',
    fixTerraform: 'declare an azurerm_monitor_diagnostic_setting whose target_resource_id is the cache (or its default database), sending its logs to a Log Analytics workspace',
    sources: ['https://learn.microsoft.com/azure/redis/monitor-diagnostic-settings'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache, { stack }) => {
    if (resourcesReferring(stack, DIAGNOSTIC_SETTING, cache, 'target_resource_id').length > 0) return pass();
    const maybe = resourcesMaybeReferring(stack, DIAGNOSTIC_SETTING, 'target_resource_id');
    if (maybe.length > 0) {
      return unknown('target_resource_id', `cannot tell whether ${maybe.map((r) => r.address).join(', ')} targets '${displayName(cache)}': its target_resource_id is not known until apply`);
    }
    return fail(`no diagnostic setting in this stack targets '${displayName(cache)}'`, { attribute: 'target_resource_id' });
  },
};
