/**
 * Builders of `terraform show -json PLANFILE` documents for the change rule tests (rules.md 2.4): resource_changes
 * with actions, before, after and after_unknown the way Terraform 1.x writes them for azurerm 4.55
 * (blocks as lists, unset strings as "", computed values of new objects in after_unknown), and a configuration whose
 * expressions name the references that readPlan puts in place of unknown values.
 */
import { evaluateStack } from '../../src/rules/engine';
import { readPlan, type TerraformPlan } from '../../src/rules/input/plan';
import type { StackView } from '../../src/rules/terraform';
import type { Finding, Profile, Rule, RuleContext, RuleResult } from '../../src/rules/types';
import { merge } from './resources';

type Values = Record<string, unknown>;

export const SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';

/** The ARM ID of a cache, as the provider writes it in state. */
export function cacheId(name: string, resourceGroup = 'rg-orders'): string {
  return `/subscriptions/${SUBSCRIPTION}/resourceGroups/${resourceGroup}/providers/Microsoft.Cache/redisEnterprise/${name}`;
}

/**
 * The state of an azurerm_managed_redis named `cache-<name>` as a plan prints it (a compliant production cache with RDB
 * persistence), with `patch` merged in: `default_database` is patched as an object (`null` removes the block) and
 * written as a one-element list.
 */
export function cacheState(name: string, patch: Values = {}): Values {
  const base: Values = {
    name: `cache-${name}`,
    resource_group_name: 'rg-orders',
    location: 'westeurope',
    sku_name: 'Balanced_B10',
    high_availability_enabled: true,
    public_network_access: 'Disabled',
    customer_managed_key: [],
    identity: [],
    tags: { team: 'orders' },
    timeouts: { create: '90m', read: null, update: '90m', delete: '60m' },
    default_database: {
      access_keys_authentication_enabled: false,
      client_protocol: 'Encrypted',
      clustering_policy: 'OSSCluster',
      eviction_policy: 'VolatileLRU',
      geo_replication_group_name: '',
      module: [],
      persistence_append_only_file_backup_frequency: '',
      persistence_redis_database_backup_frequency: '1h',
      port: 10000,
      primary_access_key: '',
      secondary_access_key: '',
    },
  };
  const values = merge(base, patch);
  values.id ??= cacheId(String(values.name), String(values.resource_group_name));
  values.hostname ??= `${String(values.name)}.${String(values.location).toLowerCase().replace(/\s+/g, '')}.redis.azure.net`;
  const db = values.default_database;
  values.default_database = db === null || db === undefined ? [] : Array.isArray(db) ? db : [db];
  return values;
}

/** The state of a geo member `cache-<name>` in group `orders-geo` (no persistence); `patch` merged over it. */
export function geoMemberState(name: string, patch: Values = {}): Values {
  return cacheState(name, merge({ default_database: { geo_replication_group_name: 'orders-geo', persistence_redis_database_backup_frequency: '' } }, patch));
}

/** One entry of `resource_changes`, with the configuration expressions of the resource. */
export interface PlannedChange {
  readonly type: string;
  readonly name: string;
  readonly actions: readonly string[];
  readonly before: Values | null;
  readonly after: Values | null;
  readonly afterUnknown?: Values;
  readonly expressions?: Values;
}

export interface CacheChangeOptions {
  /** Attribute paths (e.g. `default_database.eviction_policy`) that are unknown until apply. */
  readonly unknown?: readonly string[];
  /** Configuration expressions, e.g. `{ location: { references: ['var.location'] } }`. */
  readonly expressions?: Values;
}

const COMPUTED_ON_CREATE = ['id', 'hostname', 'default_database.port', 'default_database.primary_access_key', 'default_database.secondary_access_key'];

/**
 * A change of `azurerm_managed_redis.<name>`: `before`/`after` are patches of cacheState (null for none). A create
 * (also as half of a replacement) leaves the computed attributes unknown, as Terraform does.
 */
export function cacheChange(name: string, actions: readonly string[], beforePatch: Values | null, afterPatch: Values | null, options: CacheChangeOptions = {}): PlannedChange {
  const before = beforePatch === null ? null : cacheState(name, beforePatch);
  let after = afterPatch === null ? null : cacheState(name, afterPatch);
  let afterUnknown: Values = {};
  if (after) {
    const unknownPaths = [...(actions.includes('create') ? COMPUTED_ON_CREATE : []), ...(options.unknown ?? [])];
    ({ after, afterUnknown } = markUnknown(after, unknownPaths));
  }
  return { type: 'azurerm_managed_redis', name, actions, before, after, afterUnknown, expressions: options.expressions };
}

/** An in-place update of `cache-<name>`. */
export const updateCache = (name: string, beforePatch: Values, afterPatch: Values, options?: CacheChangeOptions) => cacheChange(name, ['update'], beforePatch, afterPatch, options);
/** A replacement (`["delete","create"]`) of `cache-<name>`. */
export const replaceCache = (name: string, beforePatch: Values, afterPatch: Values, options?: CacheChangeOptions) => cacheChange(name, ['delete', 'create'], beforePatch, afterPatch, options);
/** A new cache (`before` null). */
export const createCache = (name: string, patch: Values = {}, options?: CacheChangeOptions) => cacheChange(name, ['create'], null, patch, options);
/** A destroyed cache (`after` null). */
export const destroyCache = (name: string, patch: Values = {}) => cacheChange(name, ['delete'], patch, null);
/** An unchanged cache (`["no-op"]`). */
export const keepCache = (name: string, patch: Values = {}) => cacheChange(name, ['no-op'], patch, patch);

/** A reference to a cache whose id is known only after apply (a new or replaced cache). */
export interface CacheRef {
  readonly ref: string;
}
export const refTo = (name: string): CacheRef => ({ ref: `azurerm_managed_redis.${name}` });

/** A geo link as names of caches (`cache-<name>`, known ids) or references (unknown ids). */
export interface GeoLinkSpec {
  readonly primary: string | CacheRef;
  readonly linked: ReadonlyArray<string | CacheRef>;
}

/**
 * A change of `azurerm_managed_redis_geo_replication.<name>`. Known members are ARM IDs of `cache-<member>`; a
 * reference is unknown in `after` (null in the list, `true` in after_unknown) and named in the configuration.
 */
export function geoChange(name: string, actions: readonly string[], before: GeoLinkSpec | null, after: GeoLinkSpec | null): PlannedChange {
  const stateOf = (spec: GeoLinkSpec): Values => {
    const primary = spec.primary as string;
    return { id: cacheId(`cache-${primary}`), managed_redis_id: cacheId(`cache-${primary}`), linked_managed_redis_ids: spec.linked.map((l) => cacheId(`cache-${l as string}`)), timeouts: null };
  };
  let afterValues: Values | null = null;
  const afterUnknown: Values = {};
  const expressions: Values = {};
  if (after) {
    const isRef = (m: string | CacheRef): m is CacheRef => typeof m !== 'string';
    const refs = (m: CacheRef) => [`${m.ref}.id`, m.ref];
    afterValues = { timeouts: null };
    if (isRef(after.primary)) {
      afterUnknown.managed_redis_id = true;
      expressions.managed_redis_id = { references: refs(after.primary) };
    } else {
      afterValues.managed_redis_id = cacheId(`cache-${after.primary}`);
      expressions.managed_redis_id = { references: [`azurerm_managed_redis.${after.primary}.id`, `azurerm_managed_redis.${after.primary}`] };
    }
    afterValues.linked_managed_redis_ids = after.linked.map((m) => (isRef(m) ? null : cacheId(`cache-${m}`)));
    if (after.linked.some(isRef)) afterUnknown.linked_managed_redis_ids = after.linked.map(isRef);
    expressions.linked_managed_redis_ids = { references: after.linked.flatMap((m) => (isRef(m) ? refs(m) : [`azurerm_managed_redis.${m}.id`, `azurerm_managed_redis.${m}`])) };
    if (actions.includes('create')) afterUnknown.id = true;
    else afterValues.id = before ? cacheId(`cache-${before.primary as string}`) : undefined;
  }
  return { type: 'azurerm_managed_redis_geo_replication', name, actions, before: before ? stateOf(before) : null, after: afterValues, afterUnknown, expressions };
}

/** The `terraform show -json` document of a plan with these changes, pinned to an azurerm version. */
export function planOf(changes: readonly PlannedChange[], options: { providerVersion?: string } = {}): TerraformPlan {
  const plan = {
    format_version: '1.2',
    terraform_version: '1.9.8',
    resource_changes: changes.map((c) => ({
      address: `${c.type}.${c.name}`,
      mode: 'managed',
      type: c.type,
      name: c.name,
      provider_name: 'registry.terraform.io/hashicorp/azurerm',
      change: {
        actions: [...c.actions],
        before: c.before,
        after: c.after,
        after_unknown: c.after ? c.afterUnknown ?? {} : false,
        before_sensitive: c.before ? {} : false,
        after_sensitive: c.after ? {} : false,
      },
      ...(c.actions.includes('delete') && c.actions.includes('create') ? { action_reason: 'replace_because_cannot_update' } : {}),
    })),
    configuration: {
      provider_config: {
        azurerm: { name: 'azurerm', full_name: 'registry.terraform.io/hashicorp/azurerm', version_constraint: options.providerVersion ?? '4.55.0' },
      },
      root_module: {
        resources: changes
          .filter((c) => c.after !== null)
          .map((c) => ({ address: `${c.type}.${c.name}`, mode: 'managed', type: c.type, name: c.name, provider_config_key: 'azurerm', expressions: c.expressions ?? {}, schema_version: 0 })),
      },
    },
  };
  // Through JSON, as `terraform show -json` gives it (no undefined values).
  return JSON.parse(JSON.stringify(plan)) as TerraformPlan;
}

/** The plan read by readPlan, as `amr check` reads it. */
export function planView(changes: readonly PlannedChange[], options: { providerVersion?: string } = {}): StackView {
  return readPlan(planOf(changes, options), { file: 'plan.json' });
}

/** Runs one rule on the resource at `address` of a plan view, with the engine's context. */
export function judge(rule: Rule, view: StackView, address: string, options: { profile?: Profile; providerVersion?: string; regions?: RuleContext['regions'] } = {}): RuleResult {
  const target = view.resources.find((r) => r.address === address);
  if (!target) throw new Error(`no resource ${address} in the plan`);
  return rule.check(target, {
    profile: options.profile ?? 'production',
    stack: view,
    providerVersion: options.providerVersion ?? view.providerVersion ?? '4.55.0',
    regions: options.regions ?? {},
  });
}

/** The findings of the change rules (AMR-CHG-*) of the whole catalogue on a plan view. */
export function changeFindings(view: StackView, options: { profile?: Profile; providerVersion?: string } = {}): Finding[] {
  return evaluateStack(view, options).findings.filter((f) => f.ruleId.startsWith('AMR-CHG-'));
}

/** Removes each path from `after` and marks it `true` in after_unknown (blocks are entered at their first element). */
function markUnknown(after: Values, paths: readonly string[]): { after: Values; afterUnknown: Values } {
  const out = structuredClone(after);
  const unknownTree: Values = {};
  for (const path of paths) {
    const segments = path.split('.');
    let value: Values = out;
    let tree: Values = unknownTree;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i];
      if (i === segments.length - 1) {
        delete value[segment];
        tree[segment] = true;
        break;
      }
      const next = value[segment];
      const block = Array.isArray(next) ? (next[0] as Values | undefined) : (next as Values | undefined);
      if (!block) break;
      value = block;
      if (Array.isArray(next)) {
        const list = (tree[segment] as Values[] | undefined) ?? [{}];
        tree[segment] = list;
        tree = list[0];
      } else {
        tree = (tree[segment] as Values | undefined) ?? (tree[segment] = {});
      }
    }
  }
  return { after: out, afterUnknown: unknownTree };
}
