import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { Testing } from 'cdktf';
import { MissionCriticalStack } from '../../examples/mission-critical/stack';
import { ProductionStack } from '../../examples/production/stack';
import {
  acknowledge,
  checkStack,
  FunctionPlan,
  GeoReplicationGroup,
  ManagedRedis,
  Persistence,
  RdbFrequency,
  Schedule,
  ScheduledExport,
  type ScheduledExportProps,
  setProfile,
  Sku,
  StorageRedundancy,
} from '../../src';
import { AmrSynthError } from '../../src/constructs/errors';
import { stalenessQuery } from '../../src/constructs/scheduled-export';
import { EXPORT_ROLE_ACTIONS } from '../../src/rules/backup/common';
import { APP_OBJECT_ID, BASE_PROPS, newStack, ruleIds, synthError, synthJson } from './helpers';

const values = (json: any, type: string): any[] => Object.values(json.resource[type] ?? {});
const one = (json: any, type: string): any => {
  const all = values(json, type);
  expect(all).toHaveLength(1);
  return all[0];
};
const addressOf = (json: any, type: string, predicate: (v: any) => boolean = () => true) => `${type}.${Object.entries(json.resource[type]).find(([, v]) => predicate(v))![0]}`;

function exportStack(props: Partial<ScheduledExportProps> = {}, cacheProps: Partial<typeof BASE_PROPS> & { persistence?: Persistence } = {}) {
  const stack = newStack();
  const cache = new ManagedRedis(stack, 'cache', { ...BASE_PROPS, persistence: Persistence.redisDatabase(RdbFrequency.EVERY_1_HOUR), logAnalyticsWorkspaceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law', ...cacheProps });
  acknowledge(stack, { id: 'AMR-SEC-003', reason: 'tests run without a private endpoint' });
  const backup = new ScheduledExport(stack, 'backup', { cache, schedule: Schedule.every(6), ...props });
  return { stack, cache, backup, json: synthJson(stack) };
}

describe('ScheduledExport of a cache (Flex Consumption, defaults)', () => {
  const { stack, backup, json } = exportStack({ actionGroupId: '/subscriptions/s/resourceGroups/rg/providers/microsoft.insights/actionGroups/oncall' });
  const cacheAddress = addressOf(json, 'azurerm_managed_redis');
  const ref = (address: string, attribute = 'id') => `\${${address}.${attribute}}`;
  const exportAccount = values(json, 'azurerm_storage_account').find((a) => a['//'].amr.backup.part === 'export-storage');
  const exportAccountAddress = addressOf(json, 'azurerm_storage_account', (a) => a === exportAccount);
  const exportContainerAddress = addressOf(json, 'azurerm_storage_container', (c) => c.name === 'redis-exports');
  const fn = one(json, 'azurerm_function_app_flex_consumption');
  const fnAddress = addressOf(json, 'azurerm_function_app_flex_consumption');
  const principal = ref(fnAddress, 'identity[0].principal_id');

  test('synthesizes without errors or warnings', () => {
    expect(synthError(stack)).toBeUndefined();
  });

  test('export storage: same region as the cache, RA-GZRS in westeurope, HTTPS/TLS 1.2, no public blobs, no default-deny, soft delete and versioning', () => {
    expect(exportAccount).toMatchObject({
      location: 'westeurope',
      account_replication_type: 'RAGZRS',
      account_kind: 'StorageV2',
      https_traffic_only_enabled: true,
      min_tls_version: 'TLS1_2',
      allow_nested_items_to_be_public: false,
      public_network_access_enabled: true,
      network_rules: { default_action: 'Allow' },
      blob_properties: { versioning_enabled: true, delete_retention_policy: { days: 7 }, container_delete_retention_policy: { days: 7 } },
    });
    expect(exportAccount.name).toMatch(/^[a-z0-9]{3,24}$/);
    expect(exportAccount.resource_group_name).toBe('rg-orders');
  });

  test('a private container', () => {
    expect(values(json, 'azurerm_storage_container').find((c) => c.name === 'redis-exports')).toMatchObject({ container_access_type: 'private', storage_account_id: ref(exportAccountAddress) });
  });

  test('the lifecycle rule deletes exported blobs older than retentionDays (30), versions and snapshots too', () => {
    const policy = one(json, 'azurerm_storage_management_policy');
    expect(policy.storage_account_id).toBe(ref(exportAccountAddress));
    expect(policy.rule).toHaveLength(1);
    expect(policy.rule[0]).toMatchObject({
      enabled: true,
      filters: { blob_types: ['blockBlob'], prefix_match: ['redis-exports/orders-cache/'] },
      actions: { base_blob: { delete_after_days_since_modification_greater_than: 30 }, version: { delete_after_days_since_creation: 30 }, snapshot: { delete_after_days_since_creation_greater_than: 30 } },
    });
    expect(policy.rule[0].actions.base_blob.tier_to_cool_after_days_since_modification_greater_than).toBeUndefined();
  });

  test('a Linux Node 20 Flex Consumption function with a system-assigned identity and Application Insights', () => {
    expect(one(json, 'azurerm_service_plan')).toMatchObject({ os_type: 'Linux', sku_name: 'FC1', location: 'westeurope' });
    expect(fn).toMatchObject({ runtime_name: 'node', runtime_version: '20', https_only: true, location: 'westeurope', webdeploy_publish_basic_authentication_enabled: false });
    expect(fn.identity.type).toBe('SystemAssigned, UserAssigned');
    expect(fn.storage_authentication_type).toBe('UserAssignedIdentity');
    const insights = one(json, 'azurerm_application_insights');
    expect(insights).toMatchObject({ application_type: 'Node.JS', local_authentication_disabled: true });
    expect(fn.site_config.application_insights_connection_string).toBe(ref(addressOf(json, 'azurerm_application_insights'), 'connection_string'));
  });

  test('app settings name the cache (ARM id), database, container URL, NCRONTAB schedule, retention and prefix', () => {
    expect(fn.app_settings).toMatchObject({
      AMR_EXPORT_CACHE_ID: ref(cacheAddress),
      AMR_EXPORT_DATABASE: 'default',
      AMR_EXPORT_CONTAINER_URL: `${ref(exportAccountAddress, 'primary_blob_endpoint')}${ref(exportContainerAddress, 'name')}`,
      AMR_EXPORT_SCHEDULE: '0 0 */6 * * *',
      AMR_EXPORT_INTERVAL_HOURS: '6',
      AMR_EXPORT_RETENTION_DAYS: '30',
      AMR_EXPORT_PREFIX: 'orders-cache',
      AMR_EXPORT_API_VERSION: '2025-07-01',
      AMR_EXPORT_CREDENTIAL: 'managed-identity',
    });
  });

  test('no secret and no account key in app settings: identity-based host storage', () => {
    const settings = JSON.stringify(fn.app_settings);
    expect(settings).not.toMatch(/AccountKey|primary_access_key|secondary_access_key|connection_string|SharedAccessSignature|InstrumentationKey/i);
    expect(fn.app_settings.AzureWebJobsStorage).toBeUndefined();
    expect(fn.app_settings).toMatchObject({ AzureWebJobsStorage__credential: 'managedidentity' });
    expect(fn.storage_access_key).toBeUndefined();
    expect(JSON.stringify(json)).not.toMatch(/primary_access_key|primary_connection_string/);
  });

  test('the custom role on the cache has exactly the five export actions', () => {
    const role = one(json, 'azurerm_role_definition');
    expect(role.scope).toBe(ref(cacheAddress));
    expect(role.assignable_scopes).toEqual([ref(cacheAddress)]);
    expect(role.permissions).toHaveLength(1);
    expect([...role.permissions[0].actions].sort()).toEqual(
      [
        'Microsoft.Cache/redisEnterprise/read',
        'Microsoft.Cache/redisEnterprise/databases/read',
        'Microsoft.Cache/redisEnterprise/databases/export/action',
        'Microsoft.Cache/redisEnterprise/databases/operationResults/read',
        'Microsoft.Cache/locations/operationsStatus/read',
      ].sort(),
    );
    expect(role.permissions[0].data_actions ?? []).toEqual([]);
    expect(EXPORT_ROLE_ACTIONS).toHaveLength(5);
  });

  test('role assignments for the function identity: the export role on the cache, Blob Delegator on the account, Blob Data Contributor on the container', () => {
    const mine = values(json, 'azurerm_role_assignment').filter((a) => a.principal_id === principal);
    const byScope = Object.fromEntries(mine.map((a) => [a.scope, a.role_definition_name ?? a.role_definition_id]));
    expect(byScope).toEqual({
      [ref(cacheAddress)]: ref(addressOf(json, 'azurerm_role_definition'), 'role_definition_resource_id'),
      [ref(exportAccountAddress)]: 'Storage Blob Delegator',
      [ref(exportContainerAddress)]: 'Storage Blob Data Contributor',
    });
    for (const a of values(json, 'azurerm_role_assignment')) expect(['Owner', 'Contributor']).not.toContain(a.role_definition_name);
  });

  test('the staleness alert fires when no export succeeded for 2 × the interval', () => {
    const alert = one(json, 'azurerm_monitor_scheduled_query_rules_alert_v2');
    expect(alert.scopes).toEqual([ref(addressOf(json, 'azurerm_application_insights'))]);
    expect(alert.criteria[0]).toMatchObject({ operator: 'LessThan', threshold: 1, metric_measure_column: 'successes' });
    expect(alert.criteria[0].query).toContain('ago(12h)');
    expect(alert.criteria[0].query).toContain('amr.export.succeeded');
    expect(alert.window_duration).toBe('P1D');
    expect(alert.action.action_groups).toEqual(['/subscriptions/s/resourceGroups/rg/providers/microsoft.insights/actionGroups/oncall']);
    expect(alert['//'].amr.backup).toMatchObject({ part: 'staleness-alert', stalenessHours: 12, exporter: fnAddress });
  });

  test('outputs: the container URL and the function name only', () => {
    const outputs = Object.values(json.output) as any[];
    expect(outputs.map((o) => o.value).sort()).toEqual([`${ref(exportAccountAddress, 'primary_blob_endpoint')}${ref(exportContainerAddress, 'name')}`, ref(fnAddress, 'name')].sort());
    for (const o of outputs) expect(o.sensitive).toBeUndefined();
  });

  test('the code: a TerraformAsset zip, deployed at apply without a remote build (nothing to install)', () => {
    const deploy = one(json, 'terraform_data');
    expect(backup.packagePath).toMatch(/^assets\/.+\/archive\.zip$/);
    expect(deploy.provisioner[0]['local-exec'].command).toContain(`--src "${backup.packagePath}"`);
    expect(deploy.provisioner[0]['local-exec'].command).toContain('--build-remote false');
    expect(deploy.triggers_replace[0]).toBe(backup.packageAsset.assetHash);
    expect(deploy.depends_on).toEqual(expect.arrayContaining([fnAddress]));
  });

  test('every resource is marked as the backup of the cache, with the interval', () => {
    for (const type of ['azurerm_storage_account', 'azurerm_storage_container', 'azurerm_storage_management_policy', 'azurerm_function_app_flex_consumption', 'azurerm_role_definition', 'azurerm_role_assignment', 'azurerm_monitor_scheduled_query_rules_alert_v2']) {
      for (const r of values(json, type)) {
        expect(r['//'].amr.backupOf).toEqual([cacheAddress]);
        expect(r['//'].amr.backup).toMatchObject({ exportedCache: cacheAddress, intervalHours: 6, retentionDays: 30 });
      }
    }
  });

  test('the cache’s reliability estimate counts the export interval as its region-failure data loss', () => {
    const region = backup.reliability.failures.find((f) => f.kind === 'region')!;
    expect(region.maxDataLossSeconds).toBe(6 * 3600);
    const cache = one(json, 'azurerm_managed_redis');
    expect(cache['//'].amr.reliability.failures.find((f: any) => f.kind === 'region').maxDataLossSeconds).toBe(6 * 3600);
  });
});

describe('ScheduledExport options', () => {
  test('RA-GRS by default in a region without zones; an explicit redundancy wins', () => {
    const noZones = exportStack({}, { location: 'westus' }).json;
    expect(values(noZones, 'azurerm_storage_account').find((a) => a['//'].amr.backup.part === 'export-storage').account_replication_type).toBe('RAGRS');
    const explicit = exportStack({ storageRedundancy: StorageRedundancy.GZRS }).json;
    expect(values(explicit, 'azurerm_storage_account').find((a) => a['//'].amr.backup.part === 'export-storage').account_replication_type).toBe('GZRS');
  });

  test('retentionDays and coolAfterDays go into the lifecycle rule', () => {
    const { json } = exportStack({ retentionDays: 14, coolAfterDays: 3 });
    expect(one(json, 'azurerm_storage_management_policy').rule[0].actions.base_blob).toEqual({ delete_after_days_since_modification_greater_than: 14, tier_to_cool_after_days_since_modification_greater_than: 3 });
  });

  test('Schedule.cron is the timer schedule in the app settings', () => {
    const { json, backup } = exportStack({ schedule: Schedule.cron('0 30 2 * * *') });
    expect(one(json, 'azurerm_function_app_flex_consumption').app_settings.AMR_EXPORT_SCHEDULE).toBe('0 30 2 * * *');
    expect(backup.intervalHours).toBe(24);
  });

  test('an existing service plan gives a Linux function app without build on deployment and with identity-based host storage', () => {
    const planId = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/serverFarms/premium';
    const { json, stack } = exportStack({ functionPlan: FunctionPlan.servicePlan(planId) });
    expect(values(json, 'azurerm_service_plan')).toHaveLength(0);
    const fn = one(json, 'azurerm_linux_function_app');
    expect(fn).toMatchObject({ service_plan_id: planId, storage_uses_managed_identity: true, site_config: { application_stack: { node_version: '20' } } });
    expect(fn.app_settings).toMatchObject({ SCM_DO_BUILD_DURING_DEPLOYMENT: 'false', AMR_EXPORT_SCHEDULE: '0 0 */6 * * *' });
    expect(fn.storage_account_access_key).toBeUndefined();
    expect(synthError(stack)).toBeUndefined();
  });

  test('deploy: false leaves the deployment to the user', () => {
    expect(values(exportStack({ deploy: false }).json, 'terraform_data')).toHaveLength(0);
  });

  test('resourceGroupName and names can be set', () => {
    const { json } = exportStack({ resourceGroupName: 'rg-backup', storageAccountName: 'ordersbackups01', containerName: 'backups', functionAppName: 'orders-export', exportPrefix: 'orders/prod' });
    expect(values(json, 'azurerm_storage_account').map((a) => a.resource_group_name)).toEqual(['rg-backup', 'rg-backup']);
    expect(values(json, 'azurerm_storage_account').map((a) => a.name)).toContain('ordersbackups01');
    expect(one(json, 'azurerm_function_app_flex_consumption')).toMatchObject({ name: 'orders-export', app_settings: { AMR_EXPORT_PREFIX: 'orders/prod' } });
    expect(one(json, 'azurerm_storage_management_policy').rule[0].filters.prefix_match).toEqual(['backups/orders/prod/']);
  });
});

describe('ScheduledExport checks at synth', () => {
  test('an RPO of 4 h with Schedule.every(6) fails synth with AMR-BAK-006', () => {
    const { stack } = exportStack({ rpo: 4 });
    const message = synthError(stack);
    expect(ruleIds(message)).toEqual(['AMR-BAK-006']);
    expect(message).toContain('6 h');
    expect(message).toContain('4 h');
    expect(synthError(exportStack({ rpo: 6 }).stack)).toBeUndefined();
  });

  test('a production cache without a backup gets AMR-BAK-001 as a warning; mission-critical as an error', () => {
    const stack = newStack();
    new ManagedRedis(stack, 'cache', { ...BASE_PROPS, persistence: Persistence.appendOnlyFile(), logAnalyticsWorkspaceId: '/subscriptions/s/law' });
    expect(synthError(stack)).toBeUndefined();
    const result = checkStack(stack);
    expect(result.findings.filter((f) => f.ruleId === 'AMR-BAK-001')).toEqual([expect.objectContaining({ status: 'fail', severity: 'warning' })]);
    expect(result.warnings.join('\n')).toMatch(/AMR-BAK-001: 'orders-cache' has no scheduled export/);

    const critical = newStack('critical');
    setProfile(critical, 'mission-critical');
    new ManagedRedis(critical, 'cache', { ...BASE_PROPS, persistence: Persistence.appendOnlyFile(), logAnalyticsWorkspaceId: '/subscriptions/s/law', accessPolicyAssignments: [{ objectId: APP_OBJECT_ID }] });
    acknowledge(critical, { id: 'AMR-SEC-003', reason: 'tests run without a private endpoint' });
    expect(ruleIds(synthError(critical))).toEqual(['AMR-BAK-001']);
  });

  test('hand-written export storage in another region gets AMR-BAK-002', () => {
    const stack = newStack();
    const cache = new ManagedRedis(stack, 'cache', { ...BASE_PROPS, persistence: Persistence.appendOnlyFile(), logAnalyticsWorkspaceId: '/subscriptions/s/law' });
    acknowledge(stack, { id: 'AMR-SEC-003', reason: 'tests run without a private endpoint' });
    const backup = new ScheduledExport(stack, 'backup', { cache, schedule: Schedule.every(6) });
    expect(synthError(stack)).toBeUndefined();
    const far = new StorageAccount(stack, 'far', { name: 'farexports', resourceGroupName: 'rg-orders', location: 'northeurope', accountTier: 'Standard', accountReplicationType: 'RAGRS' });
    new (require('@cdktf/provider-azurerm/lib/role-assignment').RoleAssignment)(stack, 'far-delegator', {
      scope: far.id,
      roleDefinitionName: 'Storage Blob Delegator',
      principalId: backup.functionApp.identity.principalId,
    });
    const message = synthError(stack);
    expect(ruleIds(message)).toEqual(['AMR-BAK-002']);
    expect(message).toContain('northeurope');
  });

  test('invalid props are reported together, each with its rule ID', () => {
    const { stack } = exportStack({ schedule: Schedule.every(5), retentionDays: 0, storageAccountName: 'Bad_Name', coolAfterDays: 40 });
    const message = synthError(stack)!;
    expect(message).toContain('every(5)');
    expect(ruleIds(message)).toEqual(expect.arrayContaining(['AMR-BAK-006', 'AMR-BAK-005', 'AMR-NAME-001']));
  });

  test('an unparseable cron and a schedule sparser than daily are errors', () => {
    expect(ruleIds(synthError(exportStack({ schedule: Schedule.cron('0 */6 * * *') }).stack))).toEqual(['AMR-BAK-006']);
    expect(ruleIds(synthError(exportStack({ schedule: Schedule.cron('0 0 0 * * 1') }).stack))).toEqual(['AMR-BAK-008']);
  });

  test('neither cache nor group is an error', () => {
    const stack = newStack();
    expect(() => new ScheduledExport(stack, 'backup', { schedule: Schedule.every(6) })).toThrow(AmrSynthError);
  });
});

describe('ScheduledExport of a geo-replication group', () => {
  const stack = newStack('geo');
  setProfile(stack, 'mission-critical');
  const group = new GeoReplicationGroup(stack, 'group', {
    groupName: 'orders-geo',
    resourceGroupName: 'rg-orders',
    sku: Sku.BALANCED_B10,
    zoneRedundant: true,
    logAnalyticsWorkspaceId: '/subscriptions/s/law',
    members: [{ location: 'westeurope' }, { location: 'northeurope' }, { location: 'swedencentral' }],
    accessPolicyAssignments: [{ objectId: APP_OBJECT_ID }],
  });
  acknowledge(stack, { id: 'AMR-SEC-003', reason: 'tests run without a private endpoint' });
  const backup = new ScheduledExport(stack, 'backup', { group, exportMember: 1, schedule: Schedule.every(4) });
  const json = synthJson(stack);

  test('exports the chosen member, in its region, and backs up every member', () => {
    expect(backup.exportedCache).toBe(group.members[1]);
    const storage = values(json, 'azurerm_storage_account').find((a) => a['//'].amr.backup.part === 'export-storage');
    expect(storage.location).toBe('northeurope');
    const memberAddress = `azurerm_managed_redis.${stack.getLogicalId(group.members[1].resource)}`;
    expect(one(json, 'azurerm_role_definition').scope).toBe(`\${${memberAddress}.id}`);
    expect(storage['//'].amr.backupOf).toHaveLength(3);
    expect(storage['//'].amr.backup.exportedCache).toBe(memberAddress);
  });

  test('synthesizes in mission-critical without errors (AMR-BAK-001 satisfied for every member)', () => {
    expect(synthError(stack)).toBeUndefined();
  });

  test('the default is the first member', () => {
    const s = newStack('geo2');
    const g = new GeoReplicationGroup(s, 'group', { groupName: 'orders-geo', resourceGroupName: 'rg', sku: Sku.BALANCED_B10, members: [{ location: 'westeurope' }, { location: 'northeurope' }] });
    expect(new ScheduledExport(s, 'backup', { group: g, schedule: Schedule.every(6) }).exportedCache).toBe(g.members[0]);
    expect(ruleIds(synthError(newStackWithBadMember()))).toContain('AMR-BAK-001');
  });
});

function newStackWithBadMember() {
  const s = newStack('geo3');
  const g = new GeoReplicationGroup(s, 'group', { groupName: 'orders-geo', resourceGroupName: 'rg', sku: Sku.BALANCED_B10, members: [{ location: 'westeurope' }, { location: 'northeurope' }] });
  new ScheduledExport(s, 'backup', { group: g, exportMember: 5, schedule: Schedule.every(6) });
  return s;
}

describe('the examples with backups', () => {
  test('production: a ScheduledExport of the production cache, and the zip is built at synth', () => {
    const app = Testing.app();
    const stack = new ProductionStack(app, 'production');
    expect(synthError(stack)).toBeUndefined();
    const json = synthJson(stack);
    expect(one(json, 'azurerm_function_app_flex_consumption').app_settings.AMR_EXPORT_SCHEDULE).toBe('0 0 */6 * * *');
    app.synth();
    const zip = path.join(app.outdir, 'stacks', 'production', stack.backup.packagePath);
    expect(fs.existsSync(zip)).toBe(true);
    const listing = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
    expect(listing).toEqual(['host.json', 'index.js', 'package.json']);
    const pkg = JSON.parse(execFileSync('unzip', ['-p', zip, 'package.json'], { encoding: 'utf8' }));
    expect(pkg).toMatchObject({ main: 'index.js', bundled: { '@azure/functions': '4.16.5', '@azure/identity': '4.13.1' } });
    expect(pkg.dependencies).toBeUndefined();
    // One file with the Azure SDK inside: it requires nothing but Node built-ins and the module the Functions host provides.
    const bundle = execFileSync('unzip', ['-p', zip, 'index.js'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const required = [...bundle.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]);
    const builtins = new Set(require('module').builtinModules as string[]);
    expect([...new Set(required.filter((r) => !builtins.has(r.replace(/^node:/, ''))))]).toEqual(['@azure/functions-core']);
  });

  test('mission-critical: a ScheduledExport of the geo group exporting one member', () => {
    const app = Testing.app();
    const stack = new MissionCriticalStack(app, 'mission-critical');
    expect(synthError(stack)).toBeUndefined();
    expect(stack.backup.backedUpCaches).toHaveLength(3);
    expect(stack.backup.exportedCache).toBe(stack.group.members[0]);
  });
});

describe('stalenessQuery', () => {
  test('counts success lines of the prefix within the window, always one row', () => {
    const query = stalenessQuery(12, 'orders-cache');
    expect(query).toContain('ago(12h)');
    expect(query).toContain(`'"prefix":"orders-cache/'`);
    expect(query.trim().endsWith('| summarize successes = count()')).toBe(true);
  });
});
