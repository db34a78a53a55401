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
  const paths = UNSET_PATHS.get(type);
  if (!paths) return values;
  const inPlace = options.inPlace === true;
  let result = values;
  // Deepest paths are listed first, so `default_database.module.args` is removed before `default_database.module`
  // is judged empty, and `default_database` last.
  for (const path of paths) result = removeEmpty(result, path, 0, inPlace);
  return result;
}

/** UNSET_WHEN_EMPTY with each path split once. */
const UNSET_PATHS = new Map(Object.entries(UNSET_WHEN_EMPTY).map(([type, paths]) => [type, paths.map((p) => p.split('.'))]));

function removeEmpty(values: Values, segments: readonly string[], at: number, inPlace: boolean): Values {
  const head = segments[at];
  if (!(head in values)) return values;
  const current = values[head];
  if (at === segments.length - 1) {
    if (!isEmptyStateValue(current)) return values;
    // Copied without the key rather than deleted from a copy (`delete` leaves a slow dictionary-mode object).
    const copy: Values = {};
    for (const key of Object.keys(values)) if (key !== head) copy[key] = values[key];
    return copy;
  }
  if (Array.isArray(current)) {
    let list: unknown[] | undefined;
    for (let i = 0; i < current.length; i++) {
      const element = current[i];
      if (element === null || typeof element !== 'object' || Array.isArray(element)) continue;
      const next = removeEmpty(element as Values, segments, at + 1, inPlace);
      if (next === element) continue;
      if (inPlace) current[i] = next;
      else (list ??= [...current])[i] = next;
    }
    return list ? { ...values, [head]: list } : values;
  }
  if (current !== null && typeof current === 'object') {
    const next = removeEmpty(current as Values, segments, at + 1, inPlace);
    if (next === current) return values;
    if (!inPlace) return { ...values, [head]: next };
    values[head] = next;
  }
  return values;
}
