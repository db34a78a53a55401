/**
 * The cdktn flavor of ./platform (CDK Terrain 0.24, `@cdktn/provider-azurerm` 16.1.0 = azurerm 4.73.0): the same
 * exports. scripts/build-cdktn.js builds the cdktn package with this module in place of ./platform; jest's cdktn
 * project maps ./platform here.
 */
import { ManagedRedisAccessPolicyAssignment as AccessPolicyAssignmentResource } from '@cdktn/provider-azurerm/lib/managed-redis-access-policy-assignment';
import type { ITerraformDependable, TerraformResource } from 'cdktn';
import { providerCapabilities, type AccessPolicyAssignmentClass, type Platform } from './provider-capabilities';

export { Annotations, App, Aspects, AssetType, DataResource, Fn, Lazy, TerraformAsset, TerraformOutput, TerraformProvider, TerraformResource as TerraformResourceBase, TerraformStack, Token } from 'cdktn';
export type { AccessPolicyAssignmentClass, Platform, ProviderCapabilities } from './provider-capabilities';
export type { IAspect, ISynthesisSession, IStackSynthesizer, ITerraformDependable, TerraformResource } from 'cdktn';
export { addCustomSynthesis } from 'cdktn/lib/synthesize/synthesizer';
export { resolve } from 'cdktn/lib/_tokens';
export { dependable } from 'cdktn/lib/tfExpression';

export { ApplicationInsights } from '@cdktn/provider-azurerm/lib/application-insights';
export { FunctionAppFlexConsumption } from '@cdktn/provider-azurerm/lib/function-app-flex-consumption';
export type { LinuxFunctionApp } from '@cdktn/provider-azurerm/lib/linux-function-app';
export { LogAnalyticsWorkspace } from '@cdktn/provider-azurerm/lib/log-analytics-workspace';
export { ManagedRedis as ManagedRedisResource } from '@cdktn/provider-azurerm/lib/managed-redis';
export type { ManagedRedisGeoReplication } from '@cdktn/provider-azurerm/lib/managed-redis-geo-replication';
export { ManagementLock } from '@cdktn/provider-azurerm/lib/management-lock';
export { MonitorDiagnosticSetting } from '@cdktn/provider-azurerm/lib/monitor-diagnostic-setting';
export type { MonitorMetricAlert } from '@cdktn/provider-azurerm/lib/monitor-metric-alert';
export { MonitorScheduledQueryRulesAlertV2 } from '@cdktn/provider-azurerm/lib/monitor-scheduled-query-rules-alert-v2';
export { PrivateDnsZone } from '@cdktn/provider-azurerm/lib/private-dns-zone';
export { PrivateDnsZoneVirtualNetworkLink } from '@cdktn/provider-azurerm/lib/private-dns-zone-virtual-network-link';
export { PrivateEndpoint } from '@cdktn/provider-azurerm/lib/private-endpoint';
export { RoleAssignment } from '@cdktn/provider-azurerm/lib/role-assignment';
export { RoleDefinition } from '@cdktn/provider-azurerm/lib/role-definition';
export { ServicePlan } from '@cdktn/provider-azurerm/lib/service-plan';
export { StorageAccount } from '@cdktn/provider-azurerm/lib/storage-account';
export { StorageContainer } from '@cdktn/provider-azurerm/lib/storage-container';
export { StorageManagementPolicy } from '@cdktn/provider-azurerm/lib/storage-management-policy';
export { UserAssignedIdentity } from '@cdktn/provider-azurerm/lib/user-assigned-identity';

/**
 * Provider classes only some stacks use, loaded at first use rather than with the library (`LinuxFunctionApp` alone is
 * 1.2 MB of JavaScript that every other synth would compile at start).
 */
export const lazyClasses = {
  get LinuxFunctionApp(): typeof import('@cdktn/provider-azurerm/lib/linux-function-app').LinuxFunctionApp {
    return (require('@cdktn/provider-azurerm/lib/linux-function-app') as typeof import('@cdktn/provider-azurerm/lib/linux-function-app')).LinuxFunctionApp;
  },
  get ManagedRedisGeoReplication(): typeof import('@cdktn/provider-azurerm/lib/managed-redis-geo-replication').ManagedRedisGeoReplication {
    return (require('@cdktn/provider-azurerm/lib/managed-redis-geo-replication') as typeof import('@cdktn/provider-azurerm/lib/managed-redis-geo-replication')).ManagedRedisGeoReplication;
  },
  get MonitorMetricAlert(): typeof import('@cdktn/provider-azurerm/lib/monitor-metric-alert').MonitorMetricAlert {
    return (require('@cdktn/provider-azurerm/lib/monitor-metric-alert') as typeof import('@cdktn/provider-azurerm/lib/monitor-metric-alert')).MonitorMetricAlert;
  },
};

/** `azurerm_managed_redis_access_policy_assignment` (azurerm 4.60 and later), as the constructs use it. */
export type ManagedRedisAccessPolicyAssignmentClass = AccessPolicyAssignmentClass<TerraformResource, ITerraformDependable>;

/** azurerm 4.73 has `azurerm_managed_redis_access_policy_assignment`. */
export const ManagedRedisAccessPolicyAssignment: ManagedRedisAccessPolicyAssignmentClass | undefined = AccessPolicyAssignmentResource;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const providerVersion: string = require('@cdktn/provider-azurerm/package.json').cdktn.provider.version;

/** CDK Terrain 0.24 with azurerm 4.73. */
export const PLATFORM: Platform = { flavor: 'cdktn', providerPackage: '@cdktn/provider-azurerm', providerVersion, capabilities: providerCapabilities(providerVersion) };
