/**
 * An independent TypeScript mirror of what hashicorp/azurerm 4.55.0 itself rejects for an `azurerm_managed_redis`
 * resource, judged on the synthesized Terraform JSON values of one resource (as in `cdk.tf.json`).
 *
 * Written from the provider's source at v4.55.0 (internal/services/managedredis/managed_redis_resource.go and its
 * validate/ package, go-azure-helpers commonschema/commonids/resourcegroups/tags, and the plugin SDK's schema rules),
 * NOT from this project's src/rules: it is the oracle the property test compares the reliability rules against, so it
 * must not share their data (the SKU list below is derived from rules.md 1.2 and cross-checked with the provider's SDK
 * enum minus Enterprise_* / EnterpriseFlash_*).
 *
 * What is mirrored:
 * - schema: required attributes, attribute types (with Terraform's string/bool conversions), MaxItems of blocks,
 *   arguments the schema does not have, computed-only attributes set in configuration;
 * - ValidateFunc of every argument (name, resource group name, location non-empty, sku_name, enums, geo group name,
 *   module names, persistence frequencies, tags, customer-managed key and identity IDs);
 * - ConflictsWith of the two persistence attributes;
 * - CustomizeDiff (geo-replication SKU and modules; RediSearch eviction and clustering), evaluated with the provider
 *   defaults for absent attributes (eviction VolatileLRU, clustering OSSCluster), as DecodeDiff sees them;
 * - the `timeouts` block: keys create/read/update/delete, values Go durations (time.ParseDuration).
 *
 * Not mirrored (documented limits): the online location check (EnhancedValidate compares the normalized `location`
 * with the cloud's region list only when the provider could fetch it at configure; offline it only requires a
 * non-empty string, which is what is mirrored here);
 * and anything that depends on values unknown at plan time: a string containing a Terraform interpolation `${...}` is
 * treated as unknown and not judged, as the SDK defers validation of unknown values.
 *
 * `providerErrors(values)` returns one line per problem; an empty array means azurerm 4.55.0 would accept the resource
 * at validate and plan time.
 */

type Values = Record<string, unknown>;

/** The 44 `sku_name` values azurerm 4.55.0 accepts (case-sensitive), from rules.md 1.2. */
export const AZURERM_4_55_SKU_NAMES: readonly string[] = [
  ...['M10', 'M20', 'M50', 'M100', 'M150', 'M250', 'M350', 'M500', 'M700', 'M1000', 'M1500', 'M2000'].map((s) => `MemoryOptimized_${s}`),
  ...['B0', 'B1', 'B3', 'B5', 'B10', 'B20', 'B50', 'B100', 'B150', 'B250', 'B350', 'B500', 'B700', 'B1000'].map((s) => `Balanced_${s}`),
  ...['X3', 'X5', 'X10', 'X20', 'X50', 'X100', 'X150', 'X250', 'X350', 'X500', 'X700'].map((s) => `ComputeOptimized_${s}`),
  ...['A250', 'A500', 'A700', 'A1000', 'A1500', 'A2000', 'A4500'].map((s) => `FlashOptimized_${s}`),
];

/** validate.SKUsSupportingGeoReplication(): every SKU but Balanced_B0 and Balanced_B1. */
export const AZURERM_4_55_GEO_SKU_NAMES: readonly string[] = AZURERM_4_55_SKU_NAMES.filter((s) => s !== 'Balanced_B0' && s !== 'Balanced_B1');

export const AZURERM_4_55_MODULE_NAMES: readonly string[] = ['RedisBloom', 'RedisTimeSeries', 'RediSearch', 'RedisJSON'];
/** validate.DatabaseModulesSupportingGeoReplication(). */
export const AZURERM_4_55_GEO_MODULE_NAMES: readonly string[] = ['RediSearch', 'RedisJSON'];
export const AZURERM_4_55_CLIENT_PROTOCOLS: readonly string[] = ['Encrypted', 'Plaintext'];
export const AZURERM_4_55_CLUSTERING_POLICIES: readonly string[] = ['EnterpriseCluster', 'NoCluster', 'OSSCluster'];
export const AZURERM_4_55_EVICTION_POLICIES: readonly string[] = [
  'AllKeysLFU', 'AllKeysLRU', 'AllKeysRandom', 'NoEviction', 'VolatileLFU', 'VolatileLRU', 'VolatileRandom', 'VolatileTTL',
];
export const AZURERM_4_55_PUBLIC_NETWORK_ACCESS: readonly string[] = ['Disabled', 'Enabled'];
/** validate.PossibleValuesForAofFrequency(): the SDK's {always, 1s} without the deprecated `always`. */
export const AZURERM_4_55_AOF_FREQUENCIES: readonly string[] = ['1s'];
export const AZURERM_4_55_RDB_FREQUENCIES: readonly string[] = ['12h', '1h', '6h'];
export const AZURERM_4_55_IDENTITY_TYPES: readonly string[] = ['UserAssigned', 'SystemAssigned', 'SystemAssigned, UserAssigned'];

/** Provider defaults applied when an attribute is absent (schema `Default`). */
export const AZURERM_4_55_DEFAULTS = {
  high_availability_enabled: true,
  public_network_access: 'Enabled',
  access_keys_authentication_enabled: false,
  client_protocol: 'Encrypted',
  clustering_policy: 'OSSCluster',
  eviction_policy: 'VolatileLRU',
} as const;

/** Terraform meta-arguments (and cdktf's `//` comment key) that are not part of the provider schema. */
const META_ARGUMENTS = new Set(['//', 'count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection']);

const TOP_LEVEL_ARGUMENTS = new Set([
  'name', 'resource_group_name', 'location', 'sku_name', 'customer_managed_key', 'default_database', 'high_availability_enabled',
  'identity', 'public_network_access', 'tags', 'timeouts',
]);
const TOP_LEVEL_COMPUTED = new Set(['id', 'hostname']);
const DATABASE_ARGUMENTS = new Set([
  'access_keys_authentication_enabled', 'client_protocol', 'clustering_policy', 'eviction_policy', 'geo_replication_group_name',
  'module', 'persistence_append_only_file_backup_frequency', 'persistence_redis_database_backup_frequency',
]);
const DATABASE_COMPUTED = new Set(['id', 'port', 'primary_access_key', 'secondary_access_key']);
const MODULE_ARGUMENTS = new Set(['name', 'args']);
const MODULE_COMPUTED = new Set(['version']);
const CMK_ARGUMENTS = new Set(['key_vault_key_id', 'user_assigned_identity_id']);
const IDENTITY_ARGUMENTS = new Set(['type', 'identity_ids']);
const IDENTITY_COMPUTED = new Set(['principal_id', 'tenant_id']);
/** The typed SDK resource defines Create, Read, Update and Delete timeouts (no Default). */
const TIMEOUT_KEYS = new Set(['create', 'read', 'update', 'delete']);

/** Sentinel for a value Terraform does not know at validate/plan time. */
const UNKNOWN = Symbol('unknown');
type Converted<T> = T | typeof UNKNOWN | undefined;

class Report {
  public readonly lines: string[] = [];
  public add(path: string, message: string): void {
    this.lines.push(`${path}: ${message}`);
  }
}

/** Everything azurerm 4.55.0 would reject in this `azurerm_managed_redis` resource's values; empty = accepted. */
export function providerErrors(values: Values): string[] {
  const report = new Report();
  if (!isObject(values)) {
    report.add('(resource)', 'expected an object of attribute values');
    return report.lines;
  }
  checkKeys(report, '', values, TOP_LEVEL_ARGUMENTS, TOP_LEVEL_COMPUTED);

  const name = requiredString(report, values, 'name');
  if (typeof name === 'string') for (const e of managedRedisNameErrors(name)) report.add('name', e);

  const resourceGroup = requiredString(report, values, 'resource_group_name');
  if (typeof resourceGroup === 'string') for (const e of resourceGroupNameErrors(resourceGroup)) report.add('resource_group_name', e);

  const location = requiredString(report, values, 'location');
  // Offline (no region list fetched) EnhancedValidate is validation.StringIsNotEmpty; online it also rejects a location
  // that normalizes to '' (e.g. '   ') or is not in the subscription's region list, which this mirror cannot know.
  if (location === '') report.add('location', 'must not be empty');

  const sku = requiredString(report, values, 'sku_name');
  if (typeof sku === 'string') inSlice(report, 'sku_name', sku, AZURERM_4_55_SKU_NAMES);

  optionalBool(report, values, 'high_availability_enabled');
  const pna = optionalString(report, values, 'public_network_access');
  if (typeof pna === 'string') inSlice(report, 'public_network_access', pna, AZURERM_4_55_PUBLIC_NETWORK_ACCESS);

  checkTags(report, values.tags);
  checkCustomerManagedKey(report, values.customer_managed_key);
  checkIdentity(report, values.identity);
  checkTimeouts(report, values.timeouts);

  const databases = blocks(report, 'default_database', values.default_database, 1);
  databases.forEach((db, i) => checkDatabase(report, `default_database.${i}`, db));
  if (databases.length > 0) customizeDiff(report, typeof sku === 'string' || sku === UNKNOWN ? sku : undefined, databases[0]);

  return report.lines;
}

// ---------------------------------------------------------------------------------------------------------------------
// ValidateFuncs (validate/*.go and go-azure-helpers)

/** validate.ManagedRedisClusterName: lengths in bytes, as Go's len(). Returns the first problem, as the Go code does. */
export function managedRedisNameErrors(v: string): string[] {
  const length = byteLength(v);
  if (length < 3) return [`length should be greater than 3, got ${JSON.stringify(v)}`];
  if (length > 63) return [`length should be less than 63, got ${JSON.stringify(v)}`];
  if (v.includes('--')) return [`must not contain any consecutive hyphens, got ${JSON.stringify(v)}`];
  if (!/^[A-Za-z0-9][A-Za-z0-9-]+[A-Za-z0-9]$/.test(v)) {
    return [`can only contain letters, numbers and hyphens. The first and last characters must each be a letter or a number, got ${v}`];
  }
  return [];
}

/** validate.ManagedRedisDatabaseGeoreplicationGroupName. */
export function geoReplicationGroupNameErrors(v: string): string[] {
  const length = byteLength(v);
  if (length < 1 || length > 63) return ['must be between 1 and 63 characters long'];
  if (!/^[a-zA-Z0-9-]+$/.test(v)) return ['can only contain letters, numbers, and hyphens'];
  if (!/^[a-zA-Z0-9]/.test(v)) return ['must start with a letter or number'];
  if (!/[a-zA-Z0-9]$/.test(v)) return ['must end with a letter or number'];
  if (v.includes('--')) return ['cannot contain consecutive hyphens'];
  return [];
}

/** resourcegroups.ValidateName (Go's `\w` is ASCII). */
export function resourceGroupNameErrors(v: string): string[] {
  const errors: string[] = [];
  if (byteLength(v) > 90) errors.push('may not exceed 90 characters in length');
  if (v.endsWith('.')) errors.push('may not end with a period');
  if (v.length === 0) errors.push('cannot be blank');
  else if (!/^[-A-Za-z0-9_.()]+$/.test(v)) errors.push('may only contain alphanumeric characters, dash, underscores, parentheses and periods');
  return errors;
}

/** keyVaultValidate.NestedItemId: `https://<vault>/<keys|secrets|certificates|storage>/<name>/<version>` (versioned). */
export function keyVaultNestedItemIdErrors(v: string): string[] {
  if (v === '') return ['must not be empty'];
  if (v.toLowerCase().includes('.managedhsm.')) return ['Managed HSM IDs are not supported as Key Vault Nested Items'];
  let url: URL;
  try {
    // url.ParseRequestURI needs an absolute URI; WHATWG URL is close enough for the shapes that matter here.
    url = new URL(v);
  } catch {
    return ['cannot parse azure key vault child ID'];
  }
  const components = url.pathname.replace(/^\//, '').replace(/\/$/, '').split('/');
  if (components.length !== 2 && components.length !== 3) return [`key vault nested item should contain 2 or 3 segments, found ${components.length}`];
  if (!['keys', 'secrets', 'certificates', 'storage'].includes(components[0])) return [`key vault 'NestedItemType' should be one of: keys, secrets, certificates, storage, got ${JSON.stringify(components[0])}`];
  if (components.length !== 3 || components[2] === '') return ['expected a key vault versioned ID but no version information was found'];
  return [];
}

/** commonids.ValidateUserAssignedIdentityID: case-sensitive static segments, no empty segment, nothing after the name. */
export function userAssignedIdentityIdErrors(v: string): string[] {
  if (v === '') return ['cannot parse an empty string'];
  if (!/^\/?subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+\/?$/.test(v)) {
    return ['is not a User Assigned Identity ID (/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name})'];
  }
  return [];
}

const NANOS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n, // U+00B5
  'μs': 1000n, // U+03BC
  ms: 1000000n,
  s: 1000000000n,
  m: 60n * 1000000000n,
  h: 3600n * 1000000000n,
};
const MAX_DURATION = (1n << 63n) - 1n;

/**
 * Go's time.ParseDuration: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, units ns us µs μs ms s m h, "0" without a unit, and an
 * error on overflow of int64 nanoseconds. Returns nanoseconds, or an error message.
 */
export function parseGoDuration(input: string): bigint | string {
  let s = input;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return `time: invalid duration ${JSON.stringify(input)}`;
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || (s[0] >= '0' && s[0] <= '9'))) return `time: invalid duration ${JSON.stringify(input)}`;
    const intPart = /^[0-9]*/.exec(s)![0];
    s = s.slice(intPart.length);
    let fracPart = '';
    if (s[0] === '.') {
      s = s.slice(1);
      fracPart = /^[0-9]*/.exec(s)![0];
      s = s.slice(fracPart.length);
    }
    if (intPart === '' && fracPart === '') return `time: invalid duration ${JSON.stringify(input)}`;
    let i = 0;
    while (i < s.length && s[i] !== '.' && !(s[i] >= '0' && s[i] <= '9')) i++;
    if (i === 0) return `time: missing unit in duration ${JSON.stringify(input)}`;
    const unitName = s.slice(0, i);
    s = s.slice(i);
    const unit = NANOS[unitName];
    if (unit === undefined) return `time: unknown unit ${JSON.stringify(unitName)} in duration ${JSON.stringify(input)}`;
    const whole = intPart === '' ? 0n : BigInt(intPart);
    if (whole > MAX_DURATION / unit) return `time: invalid duration ${JSON.stringify(input)}`;
    let v = whole * unit;
    if (fracPart !== '') {
      // Go truncates: v += int64(float64(f) * (float64(unit) / scale)); a BigInt truncation is equivalent for these sizes.
      v += (BigInt(fracPart) * unit) / 10n ** BigInt(fracPart.length);
    }
    total += v;
    if (total > MAX_DURATION + (neg ? 1n : 0n)) return `time: invalid duration ${JSON.stringify(input)}`;
  }
  return neg ? -total : total;
}

// ---------------------------------------------------------------------------------------------------------------------
// Blocks

function checkDatabase(report: Report, path: string, db: Values): void {
  checkKeys(report, `${path}.`, db, DATABASE_ARGUMENTS, DATABASE_COMPUTED);
  optionalBool(report, db, 'access_keys_authentication_enabled', path);
  const enums: Array<[string, readonly string[]]> = [
    ['client_protocol', AZURERM_4_55_CLIENT_PROTOCOLS],
    ['clustering_policy', AZURERM_4_55_CLUSTERING_POLICIES],
    ['eviction_policy', AZURERM_4_55_EVICTION_POLICIES],
    ['persistence_append_only_file_backup_frequency', AZURERM_4_55_AOF_FREQUENCIES],
    ['persistence_redis_database_backup_frequency', AZURERM_4_55_RDB_FREQUENCIES],
  ];
  for (const [key, allowed] of enums) {
    const v = optionalString(report, db, key, path);
    if (typeof v === 'string') inSlice(report, `${path}.${key}`, v, allowed);
  }
  const geo = optionalString(report, db, 'geo_replication_group_name', path);
  if (typeof geo === 'string') for (const e of geoReplicationGroupNameErrors(geo)) report.add(`${path}.geo_replication_group_name`, e);

  // ConflictsWith: checked when the attribute is set; a conflicting attribute counts when it is set and not unknown.
  const conflicts: Array<[string, string[]]> = [
    ['persistence_append_only_file_backup_frequency', ['geo_replication_group_name', 'persistence_redis_database_backup_frequency']],
    ['persistence_redis_database_backup_frequency', ['geo_replication_group_name', 'persistence_append_only_file_backup_frequency']],
  ];
  for (const [key, others] of conflicts) {
    if (!isSet(db[key])) continue;
    for (const other of others) {
      if (isSet(db[other]) && !isUnknownValue(db[other])) report.add(`${path}.${key}`, `conflicts with default_database.0.${other}`);
    }
  }

  const modules = blocks(report, `${path}.module`, db.module, 4);
  modules.forEach((m, i) => {
    const modulePath = `${path}.module.${i}`;
    checkKeys(report, `${modulePath}.`, m, MODULE_ARGUMENTS, MODULE_COMPUTED);
    const moduleName = requiredString(report, m, 'name', modulePath);
    if (typeof moduleName === 'string') inSlice(report, `${modulePath}.name`, moduleName, AZURERM_4_55_MODULE_NAMES);
    optionalString(report, m, 'args', modulePath);
  });
}

/** The resource's CustomizeDiff, on the decoded plan: absent attributes take the schema defaults. */
function customizeDiff(report: Report, sku: Converted<string>, db: Values): void {
  const geo = convertString(db.geo_replication_group_name);
  const eviction = convertString(db.eviction_policy) ?? AZURERM_4_55_DEFAULTS.eviction_policy;
  const clustering = convertString(db.clustering_policy) ?? AZURERM_4_55_DEFAULTS.clustering_policy;
  const moduleNames = asBlockList(db.module).map((m) => convertString(m.name));

  if (typeof geo === 'string' && geo !== '') {
    if (typeof sku === 'string' && !AZURERM_4_55_GEO_SKU_NAMES.includes(sku)) {
      report.add('sku_name', `SKU ${JSON.stringify(sku)} does not support geo-replication (CustomizeDiff)`);
    }
    for (const m of moduleNames) {
      if (typeof m === 'string' && m !== '' && !AZURERM_4_55_GEO_MODULE_NAMES.includes(m)) {
        report.add('default_database.0.module', `invalid module ${JSON.stringify(m)}, only RediSearch, RedisJSON are supported when geo_replication_group_name is not empty (CustomizeDiff)`);
      }
    }
  }

  if (eviction !== '' && moduleNames.includes('RediSearch')) {
    if (typeof eviction === 'string' && eviction !== 'NoEviction') {
      report.add('default_database.0.eviction_policy', `invalid eviction_policy ${JSON.stringify(eviction)}, when using RediSearch module, eviction_policy must be set to NoEviction (CustomizeDiff)`);
    }
    if (typeof clustering === 'string' && clustering !== 'EnterpriseCluster') {
      report.add('default_database.0.clustering_policy', `invalid clustering_policy ${JSON.stringify(clustering)}, when using RediSearch module, clustering_policy must be set to EnterpriseCluster (CustomizeDiff)`);
    }
  }
}

function checkTags(report: Report, tags: unknown): void {
  if (!isSet(tags) || isUnknownValue(tags)) return;
  if (!isObject(tags)) {
    report.add('tags', 'Incorrect attribute value type: a map of string is required');
    return;
  }
  const entries = Object.entries(tags).filter(([, v]) => v !== null);
  if (entries.length > 50) report.add('tags', 'a maximum of 50 tags can be applied to each resource');
  for (const [k, v] of entries) {
    if (byteLength(k) > 512) report.add('tags', `the maximum length for a tag key is 512 characters: ${JSON.stringify(k)}`);
    const value = convertString(v);
    if (value === undefined && v !== undefined) report.add(`tags.${k}`, 'Incorrect attribute value type: a string is required');
    else if (typeof value === 'string' && byteLength(value) > 256) report.add('tags', `the maximum length for a tag value is 256 characters: the value for ${JSON.stringify(k)}`);
  }
}

function checkCustomerManagedKey(report: Report, raw: unknown): void {
  blocks(report, 'customer_managed_key', raw, 1).forEach((cmk, i) => {
    const path = `customer_managed_key.${i}`;
    checkKeys(report, `${path}.`, cmk, CMK_ARGUMENTS, new Set());
    const key = requiredString(report, cmk, 'key_vault_key_id', path);
    if (typeof key === 'string') for (const e of keyVaultNestedItemIdErrors(key)) report.add(`${path}.key_vault_key_id`, e);
    const identity = requiredString(report, cmk, 'user_assigned_identity_id', path);
    if (typeof identity === 'string') for (const e of userAssignedIdentityIdErrors(identity)) report.add(`${path}.user_assigned_identity_id`, e);
  });
}

function checkIdentity(report: Report, raw: unknown): void {
  blocks(report, 'identity', raw, 1).forEach((identity, i) => {
    const path = `identity.${i}`;
    checkKeys(report, `${path}.`, identity, IDENTITY_ARGUMENTS, IDENTITY_COMPUTED);
    const type = requiredString(report, identity, 'type', path);
    if (typeof type === 'string') inSlice(report, `${path}.type`, type, AZURERM_4_55_IDENTITY_TYPES);
    const ids = identity.identity_ids;
    if (!isSet(ids) || isUnknownValue(ids)) return;
    if (!Array.isArray(ids)) {
      report.add(`${path}.identity_ids`, 'Incorrect attribute value type: a set of string is required');
      return;
    }
    ids.forEach((id) => {
      const v = convertString(id);
      if (typeof v === 'string') for (const e of userAssignedIdentityIdErrors(v)) report.add(`${path}.identity_ids`, e);
      else if (v === undefined && id !== null) report.add(`${path}.identity_ids`, 'Incorrect attribute value type: a string is required');
    });
  });
}

function checkTimeouts(report: Report, raw: unknown): void {
  if (!isSet(raw)) return;
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length > 1) report.add('timeouts', 'no more than 1 "timeouts" block is allowed');
  for (const t of list) {
    if (!isObject(t)) {
      report.add('timeouts', 'Incorrect attribute value type: an object is required');
      continue;
    }
    for (const [key, value] of Object.entries(t)) {
      if (key === '//') continue;
      if (!TIMEOUT_KEYS.has(key)) {
        report.add(`timeouts.${key}`, 'An argument named this is not expected here (supported: create, read, update, delete)');
        continue;
      }
      const v = convertString(value);
      if (v === undefined && isSet(value)) report.add(`timeouts.${key}`, 'Incorrect attribute value type: a string is required');
      if (typeof v !== 'string') continue;
      const parsed = parseGoDuration(v);
      if (typeof parsed === 'string') report.add(`timeouts.${key}`, `Error parsing ${JSON.stringify(key)} timeout: ${parsed}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Helpers: Terraform JSON values and type conversion

function isObject(v: unknown): v is Values {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Null and undefined are "not set" in Terraform configuration. */
function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** A string with an interpolation is unknown at validate time (references to other resources). */
function isUnknownValue(v: unknown): boolean {
  return typeof v === 'string' && v.includes('${');
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Terraform's conversion to string: strings as they are, numbers and bools as text; unset → undefined. */
function convertString(v: unknown): Converted<string> {
  if (!isSet(v)) return undefined;
  if (isUnknownValue(v)) return UNKNOWN;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

function requiredString(report: Report, obj: Values, key: string, path = ''): Converted<string> {
  const at = path ? `${path}.${key}` : key;
  if (!isSet(obj[key])) {
    report.add(at, 'The argument is required, but no definition was found');
    return undefined;
  }
  return optionalString(report, obj, key, path);
}

function optionalString(report: Report, obj: Values, key: string, path = ''): Converted<string> {
  const at = path ? `${path}.${key}` : key;
  const raw = obj[key];
  const v = convertString(raw);
  if (v === undefined && isSet(raw)) report.add(at, 'Incorrect attribute value type: a string is required');
  return v;
}

/** Terraform's conversion to bool: true/false, or the strings "true"/"false". */
function optionalBool(report: Report, obj: Values, key: string, path = ''): void {
  const at = path ? `${path}.${key}` : key;
  const v = obj[key];
  if (!isSet(v) || isUnknownValue(v) || typeof v === 'boolean') return;
  if (typeof v === 'string' && (v === 'true' || v === 'false')) return;
  report.add(at, `Incorrect attribute value type: a bool is required, got ${JSON.stringify(v)}`);
}

function inSlice(report: Report, at: string, v: string | typeof UNKNOWN, allowed: readonly string[]): void {
  if (v === UNKNOWN) return;
  if (!allowed.includes(v)) report.add(at, `expected ${at.split('.').pop()} to be one of [${allowed.map((a) => JSON.stringify(a)).join(' ')}], got ${v}`);
}

/** A nested block in Terraform JSON: an object (one block) or an array of objects; null/absent = no block. */
function asBlockList(raw: unknown): Values[] {
  if (!isSet(raw)) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.filter(isObject);
}

function blocks(report: Report, path: string, raw: unknown, maxItems: number): Values[] {
  if (!isSet(raw)) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.some((b) => !isObject(b))) report.add(path, 'Incorrect attribute value type: a block (object) is required');
  const objects = list.filter(isObject);
  if (objects.length > maxItems) report.add(path, `attribute supports ${maxItems} item${maxItems === 1 ? '' : 's'} maximum, but config has ${objects.length} declared`);
  return objects;
}

function checkKeys(report: Report, prefix: string, obj: Values, allowed: ReadonlySet<string>, computed: ReadonlySet<string>): void {
  for (const key of Object.keys(obj)) {
    if (prefix === '' && META_ARGUMENTS.has(key)) continue;
    if (prefix !== '' && key === '//') continue;
    if (allowed.has(key)) continue;
    if (!isSet(obj[key])) continue;
    if (computed.has(key)) report.add(`${prefix}${key}`, 'Invalid Configuration for Read-Only Attribute: cannot set a computed-only attribute');
    else report.add(`${prefix}${key}`, 'Unsupported argument: an argument with this name is not expected here');
  }
}
