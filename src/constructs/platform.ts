/**
 * The one module that imports `cdktf` and the azurerm binding directly: the cdktf flavor (cdktf 0.21,
 * `@cdktf/provider-azurerm` 14.23.1 = azurerm 4.55.0). The cdktn flavor (platform.cdktn.ts) has the same exports; the
 * cdktn package is built from the same source with this module swapped (scripts/build-cdktn.js).
 */
import type { ITerraformDependable, TerraformResource } from 'cdktf';
import { providerCapabilities, type AccessPolicyAssignmentClass, type Platform } from './provider-capabilities';

export { Annotations, App, Aspects, AssetType, DataResource, Fn, Lazy, TerraformAsset, TerraformOutput, TerraformProvider, TerraformResource as TerraformResourceBase, TerraformStack, Token } from 'cdktf';
export type { AccessPolicyAssignmentClass, Platform, ProviderCapabilities } from './provider-capabilities';
export type { IAspect, ISynthesisSession, IStackSynthesizer, ITerraformDependable, TerraformResource } from 'cdktf';
// cdktf's hook for writing extra files into a stack's output directory at synth (used by its own TerraformAsset).
export { addCustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
// Resolves tokens to their Terraform expressions (as synth does).
export { resolve } from 'cdktf/lib/_tokens';
// The depends_on entry of a resource, for a dependency added after the dependent resource was created.
export { dependable } from 'cdktf/lib/tfExpression';

// The provider classes the constructs use, each by its deep path.
export { ApplicationInsights } from '@cdktf/provider-azurerm/lib/application-insights';
export { FunctionAppFlexConsumption } from '@cdktf/provider-azurerm/lib/function-app-flex-consumption';
export type { LinuxFunctionApp } from '@cdktf/provider-azurerm/lib/linux-function-app';
export { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
export { ManagedRedis as ManagedRedisResource } from '@cdktf/provider-azurerm/lib/managed-redis';
export type { ManagedRedisGeoReplication } from '@cdktf/provider-azurerm/lib/managed-redis-geo-replication';
export { ManagementLock } from '@cdktf/provider-azurerm/lib/management-lock';
export { MonitorDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-diagnostic-setting';
export type { MonitorMetricAlert } from '@cdktf/provider-azurerm/lib/monitor-metric-alert';
export { MonitorScheduledQueryRulesAlertV2 } from '@cdktf/provider-azurerm/lib/monitor-scheduled-query-rules-alert-v2';
export { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
export { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
export { PrivateEndpoint } from '@cdktf/provider-azurerm/lib/private-endpoint';
export { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
export { RoleDefinition } from '@cdktf/provider-azurerm/lib/role-definition';
export { ServicePlan } from '@cdktf/provider-azurerm/lib/service-plan';
export { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
export { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
export { StorageManagementPolicy } from '@cdktf/provider-azurerm/lib/storage-management-policy';
export { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';

/**
 * Provider classes only some stacks use, loaded at first use rather than with the library (`LinuxFunctionApp` alone is
 * 1.2 MB of JavaScript that every other synth would compile at start).
 */
export const lazyClasses = {
  get LinuxFunctionApp(): typeof import('@cdktf/provider-azurerm/lib/linux-function-app').LinuxFunctionApp {
    return (require('@cdktf/provider-azurerm/lib/linux-function-app') as typeof import('@cdktf/provider-azurerm/lib/linux-function-app')).LinuxFunctionApp;
  },
  get ManagedRedisGeoReplication(): typeof import('@cdktf/provider-azurerm/lib/managed-redis-geo-replication').ManagedRedisGeoReplication {
    return (require('@cdktf/provider-azurerm/lib/managed-redis-geo-replication') as typeof import('@cdktf/provider-azurerm/lib/managed-redis-geo-replication')).ManagedRedisGeoReplication;
  },
  get MonitorMetricAlert(): typeof import('@cdktf/provider-azurerm/lib/monitor-metric-alert').MonitorMetricAlert {
    return (require('@cdktf/provider-azurerm/lib/monitor-metric-alert') as typeof import('@cdktf/provider-azurerm/lib/monitor-metric-alert')).MonitorMetricAlert;
  },
};

/** `azurerm_managed_redis_access_policy_assignment` (azurerm 4.60 and later), as the constructs use it. */
export type ManagedRedisAccessPolicyAssignmentClass = AccessPolicyAssignmentClass<TerraformResource, ITerraformDependable>;

/** azurerm 4.55 has no access policy assignment resource: the constructs use azapi (see PLATFORM.capabilities). */
export const ManagedRedisAccessPolicyAssignment: ManagedRedisAccessPolicyAssignmentClass | undefined = undefined;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const providerVersion: string = require('@cdktf/provider-azurerm/package.json').cdktf.provider.version;

/** cdktf 0.21 with azurerm 4.55. */
export const PLATFORM: Platform = { flavor: 'cdktf', providerPackage: '@cdktf/provider-azurerm', providerVersion, capabilities: providerCapabilities(providerVersion) };
