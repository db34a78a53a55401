/**
 * Caches written without `azurerm_managed_redis`, presented to the rules as `azurerm_managed_redis`-shaped views, so
 * every applicable rule runs on them. A view keeps the original resource's address, file and line (findings point at
 * what the user wrote) and is marked with `amr.view` (`azapi` or `legacy`).
 *
 * azapi (the Azure Verified Module `avm-res-cache-redisenterprise` writes a cluster and its database as two resources):
 *
 * | azapi_resource                                          | view attribute                                     |
 * |---------------------------------------------------------|----------------------------------------------------|
 * | `Microsoft.Cache/redisEnterprise@*` `name`, `location`  | `name`, `location`                                 |
 * |   body.sku.name (+ body.sku.capacity for Enterprise_*)  | `sku_name` (`Balanced_B10`; `Enterprise_E10-2`)     |
 * |   body.properties.highAvailability (Enabled/Disabled)   | `high_availability_enabled` (true/false)           |
 * |   body.properties.publicNetworkAccess                   | `public_network_access`                            |
 * | `Microsoft.Cache/redisEnterprise/databases@*` whose `parent_id` refers to the cluster (or names it):          |
 * |   body.properties.clientProtocol / clusteringPolicy / evictionPolicy | `default_database.client_protocol` / ... |
 * |   body.properties.accessKeysAuthentication (Enabled/Disabled) | `default_database.access_keys_authentication_enabled` |
 * |   body.properties.modules[] {name, args}                | `default_database.module[]`                        |
 * |   body.properties.persistence {aofEnabled, aofFrequency, rdbEnabled, rdbFrequency} | `persistence_*_frequency` |
 * |   body.properties.geoReplication.groupNickname          | `default_database.geo_replication_group_name`      |
 *
 * The body may be an object or a JSON string (`jsonencode(...)` evaluated); a body that is not known (a `${...}`
 * string) makes every attribute read from it unknown, with the body's expression.
 *
 * Legacy (`azurerm_redis_enterprise_cluster` + `azurerm_redis_enterprise_database` whose `cluster_id` refers to it, or,
 * for a geo member whose database the link creates, the database whose `linked_database_id` lists the cluster's):
 * `name`, `location`; the database's `client_protocol`, `clustering_policy`, `eviction_policy`, `module[]`, and
 * `linked_database_group_nickname` as `geo_replication_group_name` (only when `linked_database_id` lists members), and
 * the cluster's `zones` (read by AMR-ZR-001: a legacy cluster is zone redundant only when it lists zones).
 * The legacy `sku_name` (`Enterprise_E10-2`) is not an `azurerm_managed_redis` SKU and is left out (AMR-LEG-001 covers
 * the migration); a legacy cluster is always highly available.
 *
 * Geo groups of both kinds are linked by the databases themselves, not by an `azurerm_managed_redis_geo_replication`
 * (`amr.geoLinkedInDatabase`).
 */
import { LEGACY_CLUSTER, LEGACY_DATABASE, MANAGED_REDIS } from '../cache/common';
import { ofType } from '../stack-index';
import { isUnresolved, referencedAddresses, type StackView, type TerraformResource } from '../terraform';

export const AZAPI_RESOURCE = 'azapi_resource';
const CLUSTER_TYPE = /^Microsoft\.Cache\/redisEnterprise@/i;
const DATABASE_TYPE = /^Microsoft\.Cache\/redisEnterprise\/databases@/i;

type Values = Record<string, unknown>;

/** The stack with a view added for every azapi or legacy cache (the originals stay, for the rules written for them). */
export function withManagedRedisViews(stack: StackView): StackView {
  // Most stacks have neither kind: answered by the per-type index the rules use anyway, not by a pass over every resource.
  if (ofType(stack, AZAPI_RESOURCE).length === 0 && ofType(stack, LEGACY_CLUSTER).length === 0) return stack;
  const clusters = stack.resources.filter((r) => isAzapiCluster(r) || r.type === LEGACY_CLUSTER);
  if (clusters.length === 0) return stack;
  const databases = stack.resources.filter((r) => isAzapiDatabase(r) || r.type === LEGACY_DATABASE);
  const views: TerraformResource[] = [];
  for (const cluster of clusters) {
    if (isDestroyed(cluster)) continue;
    // A legacy cluster without a database of its own gets it from the geo link: the database that lists it in
    // `linked_database_id` creates the member database with the same settings (the provider's documented pattern).
    const database = databases.find((d) => belongsTo(d, cluster)) ?? (cluster.type === LEGACY_CLUSTER ? databases.find((d) => linksTo(d, cluster)) : undefined);
    views.push(cluster.type === LEGACY_CLUSTER ? legacyView(cluster, database) : azapiView(cluster, database));
  }
  return { ...stack, resources: [...stack.resources, ...views] };
}

function isAzapiCluster(r: TerraformResource): boolean {
  return r.type === AZAPI_RESOURCE && typeof r.values.type === 'string' && CLUSTER_TYPE.test(r.values.type);
}

function isAzapiDatabase(r: TerraformResource): boolean {
  return r.type === AZAPI_RESOURCE && typeof r.values.type === 'string' && DATABASE_TYPE.test(r.values.type);
}

function isDestroyed(r: TerraformResource): boolean {
  const actions = r.change?.actions ?? [];
  return actions.includes('delete') && !actions.includes('create');
}

/** True when the database's parent (`parent_id` or `cluster_id`) refers to the cluster, or names it in an ARM ID. */
function belongsTo(database: TerraformResource, cluster: TerraformResource): boolean {
  const parent = database.type === LEGACY_DATABASE ? database.values.cluster_id : database.values.parent_id;
  if (referencedAddresses(parent).includes(cluster.address)) return true;
  const name = typeof cluster.values.name === 'string' && !isUnresolved(cluster.values.name) ? cluster.values.name.toLowerCase() : undefined;
  return typeof parent === 'string' && name !== undefined && parent.toLowerCase().replace(/\/+$/, '').endsWith(`/redisenterprise/${name}`);
}

/** True when a legacy database lists a database of the cluster in `linked_database_id` (by reference or ARM ID). */
function linksTo(database: TerraformResource, cluster: TerraformResource): boolean {
  const linked = database.type === LEGACY_DATABASE ? database.values.linked_database_id : undefined;
  if (!Array.isArray(linked)) return false;
  const name = typeof cluster.values.name === 'string' && !isUnresolved(cluster.values.name) ? cluster.values.name.toLowerCase() : undefined;
  return linked.some(
    (id) => referencedAddresses(id).includes(cluster.address) || (typeof id === 'string' && name !== undefined && id.toLowerCase().includes(`/redisenterprise/${name}/databases/`)),
  );
}

/** A view of `cluster` typed azurerm_managed_redis, with the original's identity and place. */
function view(cluster: TerraformResource, values: Values, kind: 'azapi' | 'legacy'): TerraformResource {
  return {
    ...cluster,
    type: MANAGED_REDIS,
    values,
    amr: { ...(cluster.amr ?? {}), view: kind, viewOf: cluster.type, geoLinkedInDatabase: true },
    // A view is created or kept with its cluster; change rules compare before and after of real resources only.
    ...(cluster.change ? { change: { actions: cluster.change.actions, before: null } } : {}),
  };
}

/** The body of an azapi_resource as an object, or the unresolved expression, or undefined. */
function bodyOf(r: TerraformResource | undefined): Values | string | undefined {
  const body = r?.values.body;
  if (typeof body === 'string') {
    if (isUnresolved(body)) return body;
    try {
      const parsed = JSON.parse(body) as unknown;
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Values) : undefined;
    } catch {
      return undefined;
    }
  }
  const object = Array.isArray(body) ? body[0] : body;
  return object && typeof object === 'object' ? (object as Values) : undefined;
}

/** `body.a.b` of a body (unknown expression when the body itself is unresolved). */
function fromBody(body: Values | string | undefined, path: string): unknown {
  if (typeof body === 'string') return body;
  let current: unknown = body;
  for (const segment of path.split('.')) {
    if (isUnresolved(current)) return current;
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Values)[segment];
  }
  return current;
}

/** Enabled/Disabled → true/false; unresolved stays; anything else absent. */
function enabled(value: unknown): unknown {
  if (isUnresolved(value)) return value;
  if (value === 'Enabled') return true;
  if (value === 'Disabled') return false;
  return undefined;
}

function set(values: Values, key: string, value: unknown): void {
  if (value !== undefined && value !== null) values[key] = value;
}

function azapiView(cluster: TerraformResource, database: TerraformResource | undefined): TerraformResource {
  const body = bodyOf(cluster);
  const values: Values = {};
  set(values, 'name', cluster.values.name);
  set(values, 'location', cluster.values.location);
  set(values, 'resource_group_name', cluster.values.parent_id);
  const skuName = fromBody(body, 'sku.name');
  const capacity = fromBody(body, 'sku.capacity');
  if (isUnresolved(skuName) || isUnresolved(capacity)) set(values, 'sku_name', isUnresolved(skuName) ? skuName : capacity);
  else if (typeof skuName === 'string') set(values, 'sku_name', /^Enterprise/i.test(skuName) && capacity !== undefined ? `${skuName}-${String(capacity)}` : skuName);
  set(values, 'high_availability_enabled', enabled(fromBody(body, 'properties.highAvailability')));
  set(values, 'public_network_access', fromBody(body, 'properties.publicNetworkAccess'));
  for (const key of ['lifecycle', 'depends_on', 'tags']) set(values, key, cluster.values[key]);
  if (database) {
    const db = bodyOf(database);
    const d: Values = {};
    set(d, 'client_protocol', fromBody(db, 'properties.clientProtocol'));
    set(d, 'clustering_policy', fromBody(db, 'properties.clusteringPolicy'));
    set(d, 'eviction_policy', fromBody(db, 'properties.evictionPolicy'));
    set(d, 'access_keys_authentication_enabled', enabled(fromBody(db, 'properties.accessKeysAuthentication')));
    const modules = fromBody(db, 'properties.modules');
    if (isUnresolved(modules)) d.module = modules;
    else if (Array.isArray(modules)) d.module = modules.map(moduleNameAndArgs);
    const aofOn = fromBody(db, 'properties.persistence.aofEnabled');
    const rdbOn = fromBody(db, 'properties.persistence.rdbEnabled');
    if (aofOn === true || isUnresolved(aofOn)) set(d, 'persistence_append_only_file_backup_frequency', isUnresolved(aofOn) ? aofOn : fromBody(db, 'properties.persistence.aofFrequency'));
    if (rdbOn === true || isUnresolved(rdbOn)) set(d, 'persistence_redis_database_backup_frequency', isUnresolved(rdbOn) ? rdbOn : fromBody(db, 'properties.persistence.rdbFrequency'));
    set(d, 'geo_replication_group_name', fromBody(db, 'properties.geoReplication.groupNickname'));
    values.default_database = d;
  }
  return view(cluster, values, 'azapi');
}

/** `{ name, args }` of a module entry (anything else as it is). */
function moduleNameAndArgs(m: unknown): unknown {
  return m && typeof m === 'object' ? { name: (m as Values).name, ...((m as Values).args !== undefined ? { args: (m as Values).args } : {}) } : m;
}

function legacyView(cluster: TerraformResource, database: TerraformResource | undefined): TerraformResource {
  const values: Values = {};
  set(values, 'name', cluster.values.name);
  set(values, 'location', cluster.values.location);
  set(values, 'resource_group_name', cluster.values.resource_group_name);
  set(values, 'zones', cluster.values.zones); // a legacy cluster spreads over zones only when it lists them (AMR-ZR-001)
  for (const key of ['lifecycle', 'depends_on', 'tags']) set(values, key, cluster.values[key]);
  if (database) {
    const v = database.values;
    const d: Values = {};
    for (const key of ['client_protocol', 'clustering_policy', 'eviction_policy']) set(d, key, v[key]);
    // A module's `version` is computed (unknown in a create plan); the rules read its name and args only.
    set(d, 'module', Array.isArray(v.module) ? v.module.map(moduleNameAndArgs) : v.module);
    const linked = v.linked_database_id;
    const inGroup = isUnresolved(linked) || (Array.isArray(linked) && linked.length > 0);
    if (inGroup) set(d, 'geo_replication_group_name', v.linked_database_group_nickname ?? (isUnresolved(linked) ? linked : undefined));
    values.default_database = d;
  }
  return view(cluster, values, 'legacy');
}
