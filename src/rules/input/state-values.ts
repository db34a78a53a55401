/**
 * What "not set" looks like in state and plans, per attribute the rules read (azurerm v4.55.0 schemas).
 *
 * azurerm's typed SDK writes every schema field of its model struct back into state, so an optional string the user
 * left out is stored as `""`, an optional block as `[]` and an optional number as `0`; plans repeat these values in
 * `before` and in `after`. The rules must see those as "not set" (absent), while a meaningful zero such as
 * `high_availability_enabled = false` or `access_keys_authentication_enabled = false` stays a value. The table below
 * lists, per resource type, the optional attributes whose empty value means "not set"; booleans are never listed,
 * because false is always meaningful for the attributes the rules read.
 *
 * | Resource                            | Attribute (path)                                               | "Not set" in state |
 * |-------------------------------------|----------------------------------------------------------------|--------------------|
 * | azurerm_managed_redis               | default_database (block, MaxItems 1)                           | `[]`               |
 * |                                     | default_database.geo_replication_group_name                    | `""`               |
 * |                                     | default_database.persistence_append_only_file_backup_frequency | `""`               |
 * |                                     | default_database.persistence_redis_database_backup_frequency   | `""`               |
 * |                                     | default_database.module (block list)                           | `[]`               |
 * |                                     | default_database.module.args                                   | `""`               |
 * |                                     | customer_managed_key, identity (blocks)                        | `[]`               |
 * |                                     | customer_managed_key.user_assigned_identity_id                 | `""`               |
 * | azurerm_redis_enterprise_database   | linked_database_group_nickname, module.args                    | `""`               |
 * |                                     | linked_database_id, module (lists)                             | `[]`               |
 * | azurerm_redis_enterprise_cluster    | minimum_tls_version (default "1.2" in state), zones            | `[]` for zones     |
 * | azurerm_managed_redis_geo_replication | linked_managed_redis_ids                                     | `[]` stays a value (required, MinItems 1) |
 *
 * Computed strings (`hostname`, `id`, access keys) are left alone: no rule treats them as user intent.
 */

type Values = Record<string, unknown>;

/** Per resource type: attribute paths (dot-separated, blocks entered through every element) whose empty value is "not set". */
export const UNSET_WHEN_EMPTY: Readonly<Record<string, readonly string[]>> = {
  azurerm_managed_redis: [
    'default_database.geo_replication_group_name',
    'default_database.persistence_append_only_file_backup_frequency',
    'default_database.persistence_redis_database_backup_frequency',
    'default_database.module.args',
    'default_database.module',
    'customer_managed_key.user_assigned_identity_id',
    'customer_managed_key',
    'identity',
    'default_database',
  ],
  azurerm_redis_enterprise_database: ['linked_database_group_nickname', 'linked_database_id', 'module.args', 'module'],
  azurerm_redis_enterprise_cluster: ['zones'],
};

/** True for the empty forms the typed SDK writes for an unset optional value. */
export function isEmptyStateValue(value: unknown): boolean {
  return value === '' || value === null || (Array.isArray(value) && value.length === 0);
}

/**
 * `values` with the "not set" forms of `type`'s optional attributes removed (so rules read them as absent). Values of
 * types without a table are returned unchanged (the same object).
 *
 * By default `values` is left as it is and the objects on the way to a removed attribute are copied. With `inPlace`
 * (values the caller alone holds, e.g. a plan it has just parsed) only an object that loses a key is copied and put
 * where it was; the lists and objects above it are not.
 */
export function withoutUnsetValues(type: string, values: Values, options: { readonly inPlace?: boolean } = {}): Values {
  const tree = UNSET_TREES.get(type);
  if (!tree) return values;
  return trim(values, tree, options.inPlace === true);
}

/** One attribute of UNSET_WHEN_EMPTY: whether its empty value is removed, and the listed attributes below it. */
interface UnsetNode {
  readonly key: string;
  readonly removeWhenEmpty: boolean;
  /** An array, not a map: trimming walks it for every resource, and iterating a Map allocates an entry per key. */
  readonly children: readonly UnsetNode[];
}

/** UNSET_WHEN_EMPTY as one tree per type, so that each object is visited, and copied without its unset keys, once. */
const UNSET_TREES = new Map(
  Object.entries(UNSET_WHEN_EMPTY).map(([type, paths]) => {
    const root: UnsetNode[] = [];
    for (const path of paths) {
      let level = root;
      const segments = path.split('.');
      segments.forEach((segment, i) => {
        let node = level.find((n) => n.key === segment);
        if (!node) {
          node = { key: segment, removeWhenEmpty: false, children: [] };
          level.push(node);
        }
        if (i === segments.length - 1) (node as { removeWhenEmpty: boolean }).removeWhenEmpty = true;
        level = node.children as UnsetNode[];
      });
    }
    return [type, root];
  }),
);

/**
 * `values` without the listed attributes that are empty, their own listed attributes trimmed first (so
 * `default_database.module.args` is removed before `default_database.module` is judged empty). An object that loses
 * keys is copied once without them (`delete` would leave a slow dictionary-mode object); above it, the lists and
 * objects are copied too, or changed where they are with `inPlace`.
 */
function trim(values: Values, children: readonly UnsetNode[], inPlace: boolean): Values {
  let result = values;
  let remove: string[] | undefined;
  for (let c = 0; c < children.length; c++) {
    const { key, removeWhenEmpty, children: below } = children[c];
    if (!(key in values)) continue;
    let current = values[key];
    if (below.length > 0) {
      const next = trimBelow(current, below, inPlace);
      if (next !== current) {
        if (inPlace) values[key] = next;
        else {
          if (result === values) result = { ...values };
          result[key] = next;
        }
        current = next;
      }
    }
    if (removeWhenEmpty && isEmptyStateValue(current)) {
      if (remove === undefined) remove = [key];
      else remove.push(key);
    }
  }
  if (remove === undefined) return result;
  const copy: Values = {};
  for (const key of Object.keys(result)) if (!remove.includes(key)) copy[key] = result[key];
  return copy;
}

/** A block's value trimmed: each object of a list (blocks are lists in state), or the object itself. */
function trimBelow(value: unknown, children: readonly UnsetNode[], inPlace: boolean): unknown {
  if (Array.isArray(value)) {
    let list: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const element = value[i];
      if (element === null || typeof element !== 'object' || Array.isArray(element)) continue;
      const next = trim(element as Values, children, inPlace);
      if (next === element) continue;
      if (inPlace) value[i] = next;
      else (list ??= [...value])[i] = next;
    }
    return list ?? value;
  }
  if (value !== null && typeof value === 'object') return trim(value as Values, children, inPlace);
  return value;
}
