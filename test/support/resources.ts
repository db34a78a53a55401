/** Builders of synthesized-Terraform resources for rule tests: a compliant cache by default, overridden per test. */
import { evaluateStack } from '../../src/rules/engine';
import type { StackView, TerraformResource } from '../../src/rules/terraform';
import type { Profile, Rule, RuleContext, RuleResult } from '../../src/rules/types';

type Values = Record<string, unknown>;

/** Deep merge where `undefined` in the patch deletes the key. */
export function merge(base: Values, patch: Values): Values {
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete out[k];
    else if (v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object' && !Array.isArray(out[k])) out[k] = merge(out[k] as Values, v as Values);
    else out[k] = v;
  }
  return out;
}

/** A compliant production azurerm_managed_redis as the construct synthesizes it. */
export const COMPLIANT_CACHE: Values = {
  name: 'orders-cache',
  resource_group_name: 'rg-orders',
  location: 'westeurope',
  sku_name: 'Balanced_B10',
  high_availability_enabled: true,
  public_network_access: 'Disabled',
  default_database: {
    access_keys_authentication_enabled: false,
    client_protocol: 'Encrypted',
    clustering_policy: 'OSSCluster',
    eviction_policy: 'VolatileLRU',
    persistence_redis_database_backup_frequency: '1h',
  },
  timeouts: { create: '90m', update: '90m', delete: '60m' },
  lifecycle: { prevent_destroy: true },
};

export interface ResourceOptions {
  readonly name?: string;
  readonly amr?: TerraformResource['amr'];
  readonly change?: TerraformResource['change'];
}

export function resource(type: string, values: Values, options: ResourceOptions = {}): TerraformResource {
  const name = options.name ?? 'this';
  return { type, name, address: `${type}.${name}`, values, stack: 'test', constructPath: `test/${name}`, amr: options.amr, change: options.change };
}

/** A cache: the compliant one with `patch` merged in (`undefined` deletes a key). */
export function cache(patch: Values = {}, options: ResourceOptions = {}): TerraformResource {
  return resource('azurerm_managed_redis', merge(COMPLIANT_CACHE, patch), { name: 'cache', ...options });
}

/** An access policy assignment on the cache's database, as ManagedRedis synthesizes it (azapi_resource). */
export function accessPolicyAssignment(target: TerraformResource, name = 'apa'): TerraformResource {
  return resource(
    'azapi_resource',
    {
      type: 'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments@2025-07-01',
      name: '00000000-0000-0000-0000-000000000001',
      parent_id: `\${${target.address}.id}/databases/default`,
      body: { properties: { accessPolicyName: 'default', user: { objectId: '00000000-0000-0000-0000-000000000001' } } },
    },
    { name },
  );
}

/** Diagnostic setting, private endpoint and access policy assignment that make the compliant cache fully compliant. */
export function companions(target: TerraformResource): TerraformResource[] {
  return [
    accessPolicyAssignment(target, `${target.name}_apa`),
    resource('azurerm_monitor_diagnostic_setting', { name: 'diag', target_resource_id: `\${${target.address}.id}`, log_analytics_workspace_id: '/subscriptions/x/law' }, { name: 'diag' }),
    resource('azurerm_private_endpoint', { name: 'pe', subnet_id: '/subscriptions/x/subnets/s', private_service_connection: { private_connection_resource_id: `\${${target.address}.id}`, subresource_names: ['redisEnterprise'] } }, { name: 'pe' }),
  ];
}

export function stack(...resources: TerraformResource[]): StackView {
  return { name: 'test', resources };
}

/** Runs one rule on one resource, in a stack of `others` too. */
export function check(rule: Rule, target: TerraformResource, options: { profile?: Profile; others?: TerraformResource[]; regions?: RuleContext['regions'] } = {}): RuleResult {
  const context: RuleContext = {
    profile: options.profile ?? 'production',
    stack: stack(target, ...(options.others ?? [])),
    providerVersion: '4.55.0',
    regions: options.regions ?? {},
  };
  return rule.check(target, context);
}

/** IDs of failing findings of the whole catalogue on a stack. */
export function failingIds(view: StackView, profile?: Profile): string[] {
  return evaluateStack(view, { profile }).findings.filter((f) => f.status === 'fail').map((f) => f.ruleId);
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers for the rule tests (test/rules/**).

/** The findings of one rule on a stack under a profile (all statuses). */
export function findingsOf(view: StackView, ruleId: string, profile?: Profile): import('../../src/rules/types').Finding[] {
  return evaluateStack(view, { profile }).findings.filter((f) => f.ruleId === ruleId);
}

/** The resource with the named blocks written as single-element lists, the way HCL JSON and plans write blocks. */
export function listShaped(target: TerraformResource, blockNames: readonly string[] = ['default_database', 'identity', 'customer_managed_key']): TerraformResource {
  const values: Values = { ...target.values };
  for (const name of blockNames) {
    const block = values[name];
    if (block && typeof block === 'object' && !Array.isArray(block)) values[name] = [block];
  }
  return { ...target, values };
}

/** Asserts a failing result naming `attribute` whose message contains every fragment (the actual bad values). */
export function expectFail(result: RuleResult, attribute: string | undefined, ...fragments: string[]): void {
  expect(result.status).toBe('fail');
  if (result.status !== 'fail') return;
  expect(result.attribute).toBe(attribute);
  for (const fragment of fragments) expect(result.message).toContain(fragment);
}

/** Asserts an unknown result naming `attribute`. */
export function expectUnknown(result: RuleResult, attribute: string): void {
  expect(result).toMatchObject({ status: 'unknown', attribute });
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers for the geo-replication rule tests (test/rules/geo/**).

/** The Terraform reference to a resource's ID, e.g. `${azurerm_managed_redis.a.id}`. */
export function idOf(target: TerraformResource): string {
  return `\${${target.address}.id}`;
}

/** A literal ARM ID of a cache named `name`. */
export function armId(name: string): string {
  return `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cache/redisEnterprise/${name}`;
}

/**
 * A compliant geo member at `azurerm_managed_redis.<name>`, with the cache name `cache-<name>`, in group `orders-geo`
 * and without persistence (the compliant cache's RDB frequency removed); `patch` is merged over it.
 */
export function geoMember(name: string, patch: Values = {}): TerraformResource {
  const base = merge(COMPLIANT_CACHE, {
    name: `cache-${name}`,
    default_database: { geo_replication_group_name: 'orders-geo', persistence_redis_database_backup_frequency: undefined },
  });
  return resource('azurerm_managed_redis', merge(base, patch), { name });
}

/** An `azurerm_managed_redis_geo_replication` linking `primary` with `linked` by reference (ids may be given as strings). */
export function geoLink(
  primary: TerraformResource | string,
  linked: ReadonlyArray<TerraformResource | string>,
  options: { name?: string; dependsOn?: readonly string[] } = {},
): TerraformResource {
  const ref = (m: TerraformResource | string) => (typeof m === 'string' ? m : idOf(m));
  const values: Values = { managed_redis_id: ref(primary), linked_managed_redis_ids: linked.map(ref) };
  if (options.dependsOn) values.depends_on = [...options.dependsOn];
  return resource('azurerm_managed_redis_geo_replication', values, { name: options.name ?? 'link' });
}

/** The azurerm 4.55 workaround: an `azapi_resource_action` force-linking `member`'s database, named `link_<member>`. */
export function forceLink(member: TerraformResource, options: { name?: string; dependsOn?: readonly string[]; action?: string } = {}): TerraformResource {
  const values: Values = {
    type: 'Microsoft.Cache/redisEnterprise/databases@2025-07-01',
    resource_id: `${idOf(member)}/databases/default`,
    action: options.action ?? 'forceLinkToReplicationGroup',
    method: 'POST',
    body: { groupNickname: 'orders-geo', linkedDatabases: [] },
  };
  if (options.dependsOn) values.depends_on = [...options.dependsOn];
  return resource('azapi_resource_action', values, { name: options.name ?? `link_${member.name}` });
}

/** `check` with every context field settable, including the azurerm provider version (default 4.55.0). */
export function checkWith(
  rule: Rule,
  target: TerraformResource,
  options: { profile?: Profile; others?: TerraformResource[]; regions?: RuleContext['regions']; providerVersion?: string } = {},
): RuleResult {
  return rule.check(target, {
    profile: options.profile ?? 'production',
    stack: stack(target, ...(options.others ?? [])),
    providerVersion: options.providerVersion ?? '4.55.0',
    regions: options.regions ?? {},
  });
}

/** The findings of the geo-replication rules (AMR-GEO-*, AMR-GRP-*) on a stack. */
export function geoFindings(view: StackView, options: { profile?: Profile; providerVersion?: string } = {}): import('../../src/rules/types').Finding[] {
  return evaluateStack(view, options).findings.filter((f) => /^AMR-(GEO|GRP)-/.test(f.ruleId));
}
