/** Shared vocabulary of the change rules (rules.md 2.4): before/after of one planned resource. */
import { notApplicable, unknown, type RuleResult } from '../types';
import { memoize } from '../stack-index';
import { normalizeRegion } from '../data/regions';
import { cacheFor, groups } from '../geo/common';
import { displayName, isUnresolved, knownResult, readAttribute, type AttributeValue, type StackView, type TerraformResource } from '../terraform';

/** A cache "existed" when the plan has a `before` for it. */
export function existed(resource: TerraformResource): boolean {
  return resource.change !== undefined && resource.change.before !== null;
}

/** The value before the change (never unknown: it is state). */
export function before(resource: TerraformResource, path: string): AttributeValue {
  return readAttribute(resource.change?.before ?? NOTHING_BEFORE, path);
}

/** The values of a resource the plan creates: nothing (one object, so reads of it are remembered once). */
const NOTHING_BEFORE: Readonly<Record<string, unknown>> = Object.freeze({});

/** The planned value after the change (unknown when `after_unknown`). */
export function after(resource: TerraformResource, path: string): AttributeValue {
  return readAttribute(resource.values, path);
}

/** True when the plan deletes the resource (alone or as part of a replacement). */
export function isDeleted(resource: TerraformResource): boolean {
  return resource.change?.actions.includes('delete') ?? false;
}

/** True when the plan updates the resource in place (`["update"]`). */
export function isInPlaceUpdate(resource: TerraformResource): boolean {
  const actions = resource.change?.actions ?? [];
  return actions.length === 1 && actions[0] === 'update';
}

/** A value as text for messages and comparisons ('(none)' when absent). */
export function render(value: AttributeValue): string {
  return value.kind === 'absent' ? '(none)' : value.kind === 'unknown' ? '(known after apply)' : typeof value.value === 'string' ? value.value : JSON.stringify(value.value);
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers shared by the change rules (AMR-CHG-*).

/** The first azurerm version that changes `sku_name` in place (when Azure lists the target in listSkusForScaling). */
export const SKU_IN_PLACE_VERSION = '4.61.0';

export const CHANGE_SOURCES = [
  'terraform-provider-azurerm v4.55.0 internal/services/managedredis (schema: ForceNew attributes; Update: database recreation)',
  'https://learn.microsoft.com/azure/reliability/reliability-managed-redis',
];

/** True when the plan creates the resource (alone or as part of a replacement). */
export function isCreated(resource: TerraformResource): boolean {
  return resource.change?.actions.includes('create') ?? false;
}

/** True when the plan deletes and recreates the resource (`["delete","create"]` or `["create","delete"]`). */
export function isReplaced(resource: TerraformResource): boolean {
  return isDeleted(resource) && isCreated(resource);
}

/** True when the plan only destroys the resource (`["delete"]`): its `values` are the `before` values. */
export function isDestroyed(resource: TerraformResource): boolean {
  return isDeleted(resource) && !isCreated(resource);
}

/** The planned actions as Terraform prints them, e.g. `delete, create`. */
export function actionsText(resource: TerraformResource): string {
  return (resource.change?.actions ?? []).join(', ');
}

/**
 * True when the rule may compare `before` with `after`: the resource existed and is still there after the apply
 * (updated, replaced or unchanged). Creates have nothing before; a destroy has nothing after.
 */
export function comparable(resource: TerraformResource): boolean {
  return existed(resource) && !isDestroyed(resource);
}

/** One side of a change: unknown until apply, or known (`value` undefined when absent, null or empty). */
export type Side = { readonly kind: 'unknown'; readonly expression: string } | { readonly kind: 'known'; readonly value: unknown };

function side(value: AttributeValue, providerDefault: unknown): Side {
  if (value.kind === 'unknown') return value;
  const v = value.kind === 'absent' || value.value === '' || (Array.isArray(value.value) && value.value.length === 0) ? undefined : value.value;
  // The read itself when it is the answer (no copy per comparison), else the default's shared result.
  if (value.kind === 'known' && v !== undefined && v !== null) return value;
  return knownResult(providerDefault);
}

/** The value before the change, with the provider default for absent, null or empty values. */
export function beforeValue(resource: TerraformResource, path: string, providerDefault?: unknown): Side {
  return side(before(resource, path), providerDefault);
}

/** The planned value, with the provider default for absent, null or empty values (unknown when `after_unknown`). */
export function afterValue(resource: TerraformResource, path: string, providerDefault?: unknown): Side {
  return side(after(resource, path), providerDefault);
}

/** How an attribute changes between `before` and `after`. */
export type AttributeChange =
  | { readonly kind: 'unknown'; readonly attribute: string }
  | { readonly kind: 'same'; readonly value: unknown }
  | { readonly kind: 'changed'; readonly before: unknown; readonly after: unknown };

/** Compares an attribute before and after the change (absent, null and '' count as none, then as the default). */
export function compareAttribute(resource: TerraformResource, path: string, providerDefault?: unknown): AttributeChange {
  const b = beforeValue(resource, path, providerDefault);
  const a = afterValue(resource, path, providerDefault);
  if (a.kind === 'unknown' || b.kind === 'unknown') return { kind: 'unknown', attribute: path };
  return sameValue(b.value, a.value) ? { kind: 'same', value: a.value } : { kind: 'changed', before: b.value, after: a.value };
}

function sameValue(a: unknown, b: unknown): boolean {
  // Strings and booleans (nearly every attribute compared) are the same exactly when their JSON is.
  if ((typeof a === 'string' || typeof a === 'boolean') && (typeof b === 'string' || typeof b === 'boolean')) return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A value for messages: `(none)` when absent, strings as they are, anything else as JSON. */
export function text(value: unknown): string {
  return value === undefined || value === null ? '(none)' : typeof value === 'string' ? value : JSON.stringify(value);
}

/** `before → after` for messages. */
export function arrow(beforeValue: unknown, afterValue: unknown): string {
  return `${text(beforeValue)} → ${text(afterValue)}`;
}

/** Whether a block (e.g. `default_database`) is present in a set of values: blocks are lists in plans. */
export function blockPresence(values: Readonly<Record<string, unknown>> | null | undefined, name: string): 'present' | 'absent' | 'unknown' {
  const raw = values?.[name];
  if (typeof raw === 'string' && raw.includes('${')) return 'unknown';
  if (Array.isArray(raw)) return raw.length > 0 ? 'present' : 'absent';
  return raw !== null && typeof raw === 'object' ? 'present' : 'absent';
}

/** Whether `default_database` exists before and after the change (database-field comparisons need both). */
export function databaseOnBothSides(resource: TerraformResource): 'yes' | 'no' | 'unknown' {
  if (blockPresence(resource.change?.before, 'default_database') !== 'present') return 'no';
  const afterBlock = blockPresence(resource.values, 'default_database');
  return afterBlock === 'unknown' ? 'unknown' : afterBlock === 'present' ? 'yes' : 'no';
}

/** The geo group name before the change ('' when none). */
export function groupBefore(resource: TerraformResource): string {
  const value = beforeValue(resource, 'default_database.geo_replication_group_name');
  return value.kind === 'known' && typeof value.value === 'string' ? value.value : '';
}

/** The planned geo group name ('' when none), or undefined when it is not known until apply. */
export function groupAfter(resource: TerraformResource): string | undefined {
  const value = afterValue(resource, 'default_database.geo_replication_group_name');
  if (value.kind === 'unknown') return undefined;
  return typeof value.value === 'string' ? value.value : '';
}

/** The other caches of the plan planned to be in geo group `group` (caches being destroyed are leaving, not members). */
export function plannedPeers(cache: TerraformResource, group: string, stack: StackView): TerraformResource[] {
  const planned = memoize(stack, 'plannedGroups', plannedGroupsOf);
  return (planned.get(group) ?? []).filter((r) => r !== cache);
}

/**
 * The ForceNew attributes of azurerm_managed_redis that the plan changes. sku_name (ForceNew before 4.61) and
 * high_availability_enabled count only when the plan replaces the cache: for replace-or-update the actions win.
 */
export function replacingChanges(cache: TerraformResource): Array<{ attribute: string; before: unknown; after: unknown }> {
  const attributes = ['name', 'resource_group_name', 'location', 'sku_name', 'high_availability_enabled'];
  const found: Array<{ attribute: string; before: unknown; after: unknown }> = [];
  for (const attribute of attributes) {
    const change = compareAttribute(cache, attribute, attribute === 'high_availability_enabled' ? true : undefined);
    if (change.kind !== 'changed') continue;
    if (attribute === 'location' && sameRegion(change.before, change.after)) continue;
    // The plan's own actions win over any version: a sku_name change the plan applies in place replaces nothing.
    if (attribute === 'sku_name' && !isReplaced(cache)) continue;
    if (attribute === 'high_availability_enabled' && !isReplaced(cache)) continue;
    found.push({ attribute, before: change.before, after: change.after });
  }
  return found;
}

/** True when two locations name the same region (`West Europe` = `westeurope`). */
export function sameRegion(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' && normalizeRegion(a) === normalizeRegion(b);
}

/** `name: before → after` for each change, joined for a message. */
export function describeChanges(changes: ReadonlyArray<{ attribute: string; before: unknown; after: unknown }>): string {
  return changes.map((c) => `${c.attribute} ${arrow(c.before, c.after)}`).join(', ');
}

/**
 * The modules of `default_database` in a set of values as sorted `name args` strings (the computed `version` is
 * ignored), or undefined when the list, a name or an argument is not known until apply.
 */
export function moduleList(values: Readonly<Record<string, unknown>> | null | undefined): string[] | undefined {
  const unresolved = (v: unknown) => typeof v === 'string' && v.includes('${');
  const raw = values?.default_database;
  const block = Array.isArray(raw) ? raw[0] : raw;
  if (unresolved(block)) return undefined;
  if (block === null || typeof block !== 'object') return NO_MODULES;
  const list = (block as Record<string, unknown>).module;
  if (unresolved(list)) return undefined;
  if (!Array.isArray(list) || list.length === 0) return NO_MODULES;
  const out: string[] = [];
  for (const m of list) {
    if (typeof m === 'string' || m === null || typeof m !== 'object') return undefined;
    const { name, args } = m as { name?: unknown; args?: unknown };
    if (typeof name !== 'string' || unresolved(name) || unresolved(args)) return undefined;
    out.push(typeof args === 'string' && args !== '' ? `${name} ${args}` : name);
  }
  return out.sort();
}

/** The one empty module list (lists are read, never written). */
const NO_MODULES: string[] = Object.freeze([]) as unknown as string[];

/** The cache name in an ARM ID (`.../redisEnterprise/<name>`), or the value itself. */
export function idName(id: unknown): string {
  if (typeof id !== 'string') return text(id);
  return id.match(/\/redisEnterprise\/([^/]+)\/?$/i)?.[1] ?? id;
}

/**
 * A linked id for messages: the name of the cache it points at. An id known only after apply is not named: readPlan
 * resolves it from the attribute's configuration references, which cannot tell the elements of a list apart.
 */
export function linkLabel(id: unknown, stack: StackView): string {
  if (isUnresolved(id)) return '(known after apply)';
  const cache = cacheFor(id, stack);
  return cache ? displayName(cache) : idName(id);
}

/** The `linked_managed_redis_ids` of a geo-replication resource before the change, lower-cased. */
export function idsBefore(geo: TerraformResource): string[] {
  const raw = geo.change?.before?.linked_managed_redis_ids;
  return Array.isArray(raw) ? raw.filter((id): id is string => typeof id === 'string').map((id) => id.toLowerCase()) : [];
}

/**
 * The early outcome shared by the rules on default_database fields: not applicable unless both sides of the change
 * are comparable and have a database (removal is AMR-CHG-006); unknown when the block itself is not known.
 */
export function databaseGate(cache: TerraformResource): RuleResult | undefined {
  if (!comparable(cache)) return notApplicable();
  const database = databaseOnBothSides(cache);
  if (database === 'unknown') return unknown('default_database');
  if (database === 'no') return notApplicable();
  return undefined;
}

/**
 * The index memoized as 'plannedGroups': the stack's geo groups without the caches being destroyed. A cache's planned
 * group name (groupAfter) is the group name the geo rules read from its planned values, so the groups are the same.
 */
function plannedGroupsOf(stack: StackView) {
  const map = new Map<string, TerraformResource[]>();
  for (const [name, members] of groups(stack)) {
    const planned = members.filter((r) => !isDestroyed(r));
    if (planned.length > 0) map.set(name, planned);
  }
  return map;
}
