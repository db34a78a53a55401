/**
 * A hand-written scheduled export of a cache, as synthesized Terraform JSON (no construct metadata): export storage,
 * its container and lifecycle policy, a custom export role on the cache, a function app exporting on a schedule with
 * that role and the storage roles, Application Insights and a staleness alert over it. Each piece can be patched.
 */
import type { TerraformResource } from '../../../src/rules/terraform';
import { EXPORT_ROLE_ACTIONS } from '../../../src/rules/backup/common';
import { merge, resource } from '../../support/resources';

type Values = Record<string, unknown>;

export type BackupPiece = 'storage' | 'container' | 'policy' | 'role' | 'exporter' | 'exportAccess' | 'delegator' | 'dataAccess' | 'insights' | 'alert';

const ref = (address: string, attribute = 'id') => `\${${address}.${attribute}}`;
export const PRINCIPAL = ref('azurerm_linux_function_app.exporter', 'identity[0].principal_id');

/** The pieces of a compliant hand-written backup of `cache`; `patch` is merged into the named pieces, `omit` drops some. */
export function handWrittenBackup(cache: TerraformResource, patch: Partial<Record<BackupPiece, Values>> = {}, omit: readonly BackupPiece[] = []): TerraformResource[] {
  const pieces: Record<BackupPiece, [string, string, Values]> = {
    storage: ['azurerm_storage_account', 'exports', { name: 'ordersexports', resource_group_name: 'rg-orders', location: 'westeurope', account_tier: 'Standard', account_replication_type: 'RAGZRS', min_tls_version: 'TLS1_2' }],
    container: ['azurerm_storage_container', 'exports', { name: 'exports', storage_account_id: ref('azurerm_storage_account.exports'), container_access_type: 'private' }],
    policy: [
      'azurerm_storage_management_policy',
      'exports',
      {
        storage_account_id: ref('azurerm_storage_account.exports'),
        rule: [{ name: 'expire', enabled: true, filters: { blob_types: ['blockBlob'], prefix_match: ['exports/orders-cache/'] }, actions: { base_blob: { delete_after_days_since_modification_greater_than: 30 } } }],
      },
    ],
    role: ['azurerm_role_definition', 'export', { name: 'redis-export', scope: ref(cache.address), permissions: [{ actions: [...EXPORT_ROLE_ACTIONS] }], assignable_scopes: [ref(cache.address)] }],
    exporter: [
      'azurerm_linux_function_app',
      'exporter',
      {
        name: 'orders-export',
        resource_group_name: 'rg-orders',
        location: 'westeurope',
        service_plan_id: '/subscriptions/s/resourceGroups/rg-orders/providers/Microsoft.Web/serverFarms/plan',
        identity: { type: 'SystemAssigned' },
        app_settings: { AMR_EXPORT_SCHEDULE: '0 0 */6 * * *' },
        site_config: { application_insights_connection_string: ref('azurerm_application_insights.ai', 'connection_string') },
      },
    ],
    exportAccess: ['azurerm_role_assignment', 'export', { scope: ref(cache.address), role_definition_id: ref('azurerm_role_definition.export', 'role_definition_resource_id'), principal_id: PRINCIPAL }],
    delegator: ['azurerm_role_assignment', 'delegator', { scope: ref('azurerm_storage_account.exports'), role_definition_name: 'Storage Blob Delegator', principal_id: PRINCIPAL }],
    dataAccess: ['azurerm_role_assignment', 'data', { scope: ref('azurerm_storage_container.exports'), role_definition_name: 'Storage Blob Data Contributor', principal_id: PRINCIPAL }],
    insights: ['azurerm_application_insights', 'ai', { name: 'orders-export-ai', resource_group_name: 'rg-orders', location: 'westeurope', application_type: 'Node.JS' }],
    alert: [
      'azurerm_monitor_scheduled_query_rules_alert_v2',
      'stale',
      {
        name: 'backup-stale',
        resource_group_name: 'rg-orders',
        location: 'westeurope',
        scopes: [ref('azurerm_application_insights.ai')],
        evaluation_frequency: 'PT30M',
        window_duration: 'P1D',
        severity: 1,
        criteria: [{ query: 'traces | where message startswith "amr.export.succeeded " | summarize successes = count()', time_aggregation_method: 'Maximum', metric_measure_column: 'successes', operator: 'LessThan', threshold: 1 }],
      },
    ],
  };
  return (Object.keys(pieces) as BackupPiece[])
    .filter((p) => !omit.includes(p))
    .map((p) => {
      const [type, name, values] = pieces[p];
      return resource(type, patch[p] ? merge(values, patch[p]!) : values, { name });
    });
}

/** The named piece of a backup. */
export function piece(resources: readonly TerraformResource[], type: string, name: string): TerraformResource {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type}.${name}`);
  return found;
}
