/**
 * A hand-built `amr check` report: two stacks (prod, staging), two errors, three warnings, one unknown, one suppressed,
 * and three caches whose reliability comes from estimateReliability.
 */
import type { TopologyCache } from '../../../src/topology/manifest';
import type { CheckReport, ReportCache } from '../../../src/cli/report/model';
import { estimateReliability } from '../../../src/topology/reliability';
import type { Finding, RuleMetadata } from '../../../src/rules/types';

const PROD = 'cdktf.out/stacks/prod/cdk.tf.json';
const STAGING = 'cdktf.out/stacks/staging/cdk.tf.json';

export const RULES: readonly RuleMetadata[] = [
  {
    id: 'AMR-HA-001',
    title: 'High availability is enabled',
    severity: { dev: 'warning', production: 'error', 'mission-critical': 'error' },
    when: ['synth', 'plan'],
    statement: 'Without high availability a cache runs on one node with no replica: no SLA, and any node failure or maintenance loses the data that persistence did not save.',
    fix: 'set highAvailability: true (high_availability_enabled = true); for a throwaway dev cache use profile "dev" to make this a warning',
    sources: ['https://learn.microsoft.com/azure/reliability/reliability-managed-redis'],
  },
  {
    id: 'AMR-ZR-001',
    title: 'HA cache is zone redundant',
    severity: { dev: 'warning', production: 'warning', 'mission-critical': 'error' },
    severityNote: 'error when zone redundancy is asked for (zoneRedundant: true)',
    when: ['synth', 'plan'],
    statement: 'Zone redundancy is not a setting: an HA cache is zone redundant only in a region with availability zones.',
    fix: 'deploy the cache in a region with availability zones, or accept a non-zone-redundant cache explicitly (zoneRedundant: false)',
    sources: ['https://learn.microsoft.com/azure/reliability/regions-list'],
  },
  {
    id: 'AMR-SEC-003',
    title: 'Public network access is disabled',
    severity: { dev: 'warning', production: 'warning', 'mission-critical': 'warning' },
    when: ['synth', 'plan'],
    statement: 'azurerm 4.55 defaults public_network_access to Enabled: the cache endpoint is reachable from the internet.',
    fix: 'set publicNetworkAccess: "Disabled" and privateEndpointSubnetId (public_network_access = "Disabled" plus an azurerm_private_endpoint)',
    sources: ['https://learn.microsoft.com/azure/redis/private-link'],
  },
  {
    id: 'AMR-OBS-001',
    title: 'Diagnostic settings are configured',
    severity: { dev: 'warning', production: 'warning', 'mission-critical': 'warning' },
    when: ['synth', 'plan'],
    statement: 'Without diagnostic settings, metrics history and connection logs are not kept.',
    fix: 'pass logAnalyticsWorkspaceId to the construct, or declare an azurerm_monitor_diagnostic_setting whose target_resource_id is the cache',
    sources: ['https://learn.microsoft.com/azure/redis/monitor-diagnostic-settings'],
  },
  {
    id: 'AMR-SEC-002',
    title: 'Access keys are disabled',
    severity: { dev: 'warning', production: 'warning', 'mission-critical': 'warning' },
    when: ['synth', 'plan'],
    statement: 'Access keys are long-lived shared secrets; Microsoft Entra ID tokens are scoped and rotate.',
    fix: 'set accessKeysAuthentication: false (access_keys_authentication_enabled = false) and authenticate clients with Microsoft Entra ID',
    sources: ['https://learn.microsoft.com/azure/redis/entra-for-authentication'],
  },
];

const rule = (id: string) => RULES.find((r) => r.id === id) as RuleMetadata;
const docs = (id: string) => `RULES.md#${id.toLowerCase()}`;

export const FINDINGS: readonly Finding[] = [
  {
    ruleId: 'AMR-HA-001',
    severity: 'error',
    status: 'fail',
    resource: 'azurerm_managed_redis.sessions_cache_9F8E7D',
    stack: 'staging',
    constructPath: 'staging/sessions-cache/Resource',
    file: STAGING,
    line: 31,
    attribute: 'high_availability_enabled',
    message: "high availability is disabled on 'sessions' (high_availability_enabled = false; allowed: true): one node, no replica, no SLA",
    fix: rule('AMR-HA-001').fix,
    docs: docs('AMR-HA-001'),
  },
  {
    ruleId: 'AMR-ZR-001',
    severity: 'error',
    status: 'fail',
    resource: 'azurerm_managed_redis.orders_us_cache_4D5E6F',
    stack: 'prod',
    constructPath: 'prod/orders-us/Resource',
    file: PROD,
    line: 88,
    attribute: 'location',
    // Commas, colons, quotes, a pipe, a percent sign, markup and a line break: every format must escape them.
    message:
      "'orders-us' is in northcentralus, a region without availability zones, so its two nodes are not in separate zones " +
      'and it is not zone redundant; regions with zones nearby: eastus2, centralus\n100% of nodes share one <datacenter> & "tier|A"',
    fix: rule('AMR-ZR-001').fix,
    docs: docs('AMR-ZR-001'),
  },
  {
    ruleId: 'AMR-SEC-003',
    severity: 'warning',
    status: 'fail',
    resource: 'azurerm_managed_redis.orders_cache_1A2B3C',
    stack: 'prod',
    constructPath: 'prod/orders-cache/Resource',
    file: PROD,
    line: 42,
    attribute: 'public_network_access',
    message: "'orders' is reachable from public networks (public_network_access = 'Enabled'; recommended: Disabled)",
    fix: rule('AMR-SEC-003').fix,
    docs: docs('AMR-SEC-003'),
  },
  {
    ruleId: 'AMR-OBS-001',
    severity: 'warning',
    status: 'fail',
    resource: 'azurerm_managed_redis.orders_cache_1A2B3C',
    stack: 'prod',
    constructPath: 'prod/orders-cache/Resource',
    file: PROD,
    line: 42,
    message: "'orders' has no diagnostic setting: no metrics history or connection logs",
    fix: rule('AMR-OBS-001').fix,
    docs: docs('AMR-OBS-001'),
  },
  {
    ruleId: 'AMR-SEC-003',
    severity: 'warning',
    status: 'fail',
    resource: 'azurerm_managed_redis.sessions_cache_9F8E7D',
    stack: 'staging',
    constructPath: 'staging/sessions-cache/Resource',
    file: STAGING,
    line: 31,
    attribute: 'public_network_access',
    message: "'sessions' is reachable from public networks (public_network_access = 'Enabled'; recommended: Disabled)",
    fix: rule('AMR-SEC-003').fix,
    docs: docs('AMR-SEC-003'),
  },
  {
    ruleId: 'AMR-ZR-001',
    severity: 'warning',
    status: 'unknown',
    resource: 'azurerm_managed_redis.orders_eu_cache_7A8B9C',
    stack: 'prod',
    // Raw Terraform in the stack: no construct path.
    file: PROD,
    line: 120,
    attribute: 'location',
    message: "cannot judge 'location': its value is not known until apply (${var.eu_region}); use a literal value, or run 'amr check' on the plan",
    fix: rule('AMR-ZR-001').fix,
    docs: docs('AMR-ZR-001'),
  },
  {
    ruleId: 'AMR-SEC-002',
    severity: 'warning',
    status: 'suppressed',
    resource: 'azurerm_managed_redis.sessions_cache_9F8E7D',
    stack: 'staging',
    constructPath: 'staging/sessions-cache/Resource',
    file: STAGING,
    line: 31,
    attribute: 'default_database.access_keys_authentication_enabled',
    message: "'sessions' accepts access keys (access_keys_authentication_enabled = true; recommended: false)",
    fix: rule('AMR-SEC-002').fix,
    docs: docs('AMR-SEC-002'),
    suppression: { reason: 'legacy session client needs keys until the Entra ID migration', expiresOn: '2026-12-31' },
  },
];

function cache(overrides: Partial<TopologyCache> & Pick<TopologyCache, 'address'>): TopologyCache {
  return {
    constructPath: null,
    name: null,
    profile: 'production',
    region: 'westeurope',
    zoneSupport: 'zones',
    sku: { name: 'Balanced_B10', tier: 'Balanced', sizeGb: 12 },
    highAvailability: true,
    zones: ['1', '2', '3'],
    clusteringPolicy: 'OSSCluster',
    evictionPolicy: 'VolatileLRU',
    modules: [],
    persistence: null,
    clientProtocol: 'Encrypted',
    accessKeysAuthentication: false,
    publicNetworkAccess: 'Enabled',
    privateEndpoint: false,
    geoReplicationGroupName: null,
    scheduledExport: false,
    reliability: null,
    unknown: [],
    ...overrides,
  };
}

export const CACHES: readonly ReportCache[] = [
  // Zone redundant with AOF persistence: 99.99%, zone failure ≤ 15 s / ≤ 5 s, region failure unbounded / all data.
  {
    ...cache({
      address: 'azurerm_managed_redis.orders_cache_1A2B3C',
      constructPath: 'prod/orders-cache/Resource',
      name: 'orders',
      persistence: { aof: '1s', rdb: null },
      reliability: estimateReliability({ highAvailability: true, zoneSupport: 'zones', persistence: { aof: '1s' } }),
    }),
    stack: 'prod',
  },
  // No HA, no persistence: no SLA, everything lost in a zone failure. No `stack`: taken from the construct path.
  cache({
    address: 'azurerm_managed_redis.sessions_cache_9F8E7D',
    constructPath: 'staging/sessions-cache/Resource',
    name: 'sessions',
    profile: 'dev',
    region: 'northeurope',
    highAvailability: false,
    zones: ['1'],
    reliability: estimateReliability({ highAvailability: false, zoneSupport: 'zones' }),
  }),
  // A raw resource whose high_availability_enabled is a token: no estimate.
  {
    ...cache({
      address: 'azurerm_managed_redis.orders_eu_cache_7A8B9C',
      name: null,
      region: null,
      zoneSupport: 'unknown',
      highAvailability: null,
      zones: ['1'],
      unknown: ['location', 'high_availability_enabled'],
    }),
    stack: 'prod',
  },
];

export function makeReport(overrides: Partial<CheckReport> = {}): CheckReport {
  return {
    tool: { name: 'amr', version: '0.1.0' },
    profile: 'production',
    inputs: [
      { path: PROD, kind: 'synth' },
      { path: STAGING, kind: 'synth' },
    ],
    findings: FINDINGS,
    summary: { resources: 12, errors: 2, warnings: 3, unknown: 1, suppressed: 1 },
    caches: CACHES,
    rules: RULES,
    failOn: 'error',
    ...overrides,
  };
}

/** The same project with every problem fixed but the suppressed one. */
export function makePassingReport(): CheckReport {
  return makeReport({
    findings: FINDINGS.filter((f) => f.status === 'suppressed'),
    summary: { resources: 12, errors: 0, warnings: 0, unknown: 0, suppressed: 1 },
    rules: RULES.filter((r) => r.id === 'AMR-SEC-002'),
  });
}
