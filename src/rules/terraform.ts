/**
 * A neutral model of Terraform resources, whatever they were read from (synthesized cdktf JSON, HCL, or a plan's
 * `after` values), and the attribute reader every rule uses. A value that Terraform cannot know yet (a reference such
 * as `${azurerm_resource_group.rg.location}`, an unresolved cdktf token, or `after_unknown` in a plan, which the plan
 * reader writes as `${(known after apply)}`) is "unknown": rules report it, they never guess.
 */

// The stack's own annotations are declared here, the bottom of src/rules (types.ts and suppressions.ts re-export them).

/** A reliability profile. It only selects severities; rules never change their logic by profile except to decide applicability. */
export type Profile = 'dev' | 'production' | 'mission-critical';

export interface Suppression {
  /** Rule ID, e.g. `AMR-SEC-003`. */
  readonly id: string;
  /** A Terraform address, a construct path (matches it and everything below it) or a glob (`*`, `**`). @default - every resource */
  readonly resource?: string;
  readonly reason: string;
  /** `YYYY-MM-DD`; the last day it applies. @default - never expires */
  readonly expiresOn?: string;
  /** Where it was declared, for messages (a construct path or a file). */
  readonly declaredAt?: string;
}

/** What the library's constructs record under `//.amr` of a resource in the synthesized JSON. */
export interface AmrResourceMetadata {
  readonly profile?: Profile;
  /** The zone-redundancy intent the user declared (`zoneRedundant` prop), if any. */
  readonly zoneRedundant?: boolean;
  /** Addresses of resources that export this cache on a schedule (ScheduledExport). */
  readonly scheduledExport?: boolean;
  readonly [key: string]: unknown;
}

export interface TerraformResource {
  /** e.g. `azurerm_managed_redis` */
  readonly type: string;
  /** The local name, e.g. `orders-cache_Resource_1A2B3C` */
  readonly name: string;
  /** `type.name` (with a module prefix or index in plans). */
  readonly address: string;
  /** The configuration values (attributes, blocks, `lifecycle`, `timeouts`, `depends_on`). */
  readonly values: Readonly<Record<string, unknown>>;
  readonly stack?: string;
  readonly constructPath?: string;
  readonly file?: string;
  readonly line?: number;
  readonly amr?: AmrResourceMetadata;
  /**
   * Set when the resource's `count` or `for_each` is not known before apply (e.g. `count = var.n` with no value): the
   * instances are checked as one, addressed `type.name[*]`, and it may not exist at all. The text names the expression.
   */
  readonly unknownInstances?: string;
  /** For resources read from a plan: the planned actions and the values before the change. */
  readonly change?: { readonly actions: readonly string[]; readonly before: Readonly<Record<string, unknown>> | null };
}

export interface StackView {
  readonly name: string;
  readonly resources: readonly TerraformResource[];
  /** The profile recorded by the constructs at stack level (`//.amr.profile`), if any. */
  readonly profile?: Profile;
  /** The azurerm version the input pins exactly, if any. */
  readonly providerVersion?: string;
  /** The azurerm version constraint the input declares as written (`~> 4.61`, `>= 4.55, < 5.0`), if any. */
  readonly providerConstraint?: string;
  /** Acknowledgements recorded by the constructs (`//.amr.acknowledgements`), honoured by `amr check` too. */
  readonly acknowledgements?: readonly Suppression[];
  /** Parts of the input that were not checked (e.g. a remote module call), for the report to say so. */
  readonly notices?: readonly InputNotice[];
}

/** Something in the input that `amr check` did not check, e.g. a module call whose source is a registry or git. */
export interface InputNotice {
  /** What was not checked, e.g. `module.cache`. */
  readonly subject: string;
  /** One sentence: what, why, and what to do instead. */
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
}

/** All resources of a type. */
export function resourcesOfType(stack: StackView, type: string): TerraformResource[] {
  return stack.resources.filter((r) => r.type === type);
}

/** The result of reading one attribute. */
export type AttributeValue =
  | { readonly kind: 'absent' }
  | { readonly kind: 'unknown'; readonly expression: string }
  | { readonly kind: 'known'; readonly value: unknown };

/** True for a string Terraform resolves at apply time: any `${...}` interpolation. */
export function isUnresolved(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}

/** A path segment, and its list index when it is one (`0`, `12`), else -1. */
interface Segment {
  readonly name: string;
  readonly index: number;
}

/**
 * A path split once, with the last two reads of it remembered while a stack is evaluated (`withAttributeMemo`):
 * the values read and the result. The engine runs every rule on one resource in a row and the rules read the same
 * few paths of it many times (the geo group name about 27 times per cache), so most reads are one comparison.
 */
interface PathReader {
  readonly segments: readonly Segment[];
  epoch: number;
  values: unknown;
  result: AttributeValue | undefined;
  /** The read before the last one (a rule comparing `before` with `after`, or a cache with a peer). */
  previousEpoch: number;
  previousValues: unknown;
  previousResult: AttributeValue | undefined;
}

const READERS = new Map<string, PathReader>();

/** `a.b.c` split once per distinct path (the rules read the same few dozen paths on every resource). */
function readerOf(path: string): PathReader {
  let reader = READERS.get(path);
  if (!reader) {
    const segments = path.split('.').map((name) => ({ name, index: /^\d+$/.test(name) ? Number(name) : -1 }));
    reader = { segments, epoch: 0, values: undefined, result: undefined, previousEpoch: 0, previousValues: undefined, previousResult: undefined };
    if (READERS.size < 10_000) READERS.set(path, reader);
  }
  return reader;
}

/** Non-zero while reads are remembered: the number of the evaluation (a remembered read of another one is stale). */
let memoEpoch = 0;
let lastEpoch = 0;

/**
 * Runs `evaluate` with attribute reads remembered: every rule reading one attribute of one resource gets the same
 * result object (results are read, never written). The values of a stack are not changed while it is evaluated;
 * outside `evaluate` nothing is remembered, so values built or changed in between are always read afresh.
 */
export function withAttributeMemo<T>(evaluate: () => T): T {
  if (memoEpoch !== 0) return evaluate(); // already inside one
  memoEpoch = ++lastEpoch;
  try {
    return evaluate();
  } finally {
    memoEpoch = 0;
    // The stack's values are not kept alive by the memo once its evaluation is over.
    for (const reader of READERS.values()) {
      reader.values = reader.previousValues = undefined;
      reader.result = reader.previousResult = undefined;
    }
  }
}

/**
 * Reads `a.b.c` from resource values. A block given as a list (HCL and plans write blocks as lists) is entered at its
 * first element unless the next segment is an index. Any unresolved value on the way makes the result unknown.
 */
export function readAttribute(values: unknown, path: string): AttributeValue {
  const reader = readerOf(path);
  if (memoEpoch === 0) return walk(values, reader);
  if (reader.epoch === memoEpoch && reader.values === values) return reader.result as AttributeValue;
  if (reader.previousEpoch === memoEpoch && reader.previousValues === values) return reader.previousResult as AttributeValue;
  const result = walk(values, reader);
  reader.previousEpoch = reader.epoch;
  reader.previousValues = reader.values;
  reader.previousResult = reader.result;
  reader.epoch = memoEpoch;
  reader.values = values;
  reader.result = result;
  return result;
}

function walk(values: unknown, reader: PathReader): AttributeValue {
  let current: unknown = values;
  for (const segment of reader.segments) {
    if (isUnresolved(current)) return { kind: 'unknown', expression: current as string };
    if (Array.isArray(current)) {
      const index = segment.index >= 0 ? segment.index : 0;
      if (current.length <= index) return ABSENT;
      current = current[index];
      if (segment.index >= 0) continue;
      if (isUnresolved(current)) return { kind: 'unknown', expression: current as string };
    }
    if (current === null || typeof current !== 'object') return ABSENT;
    current = (current as Record<string, unknown>)[segment.name];
    if (current === undefined || current === null) return ABSENT;
  }
  if (containsUnresolved(current)) return { kind: 'unknown', expression: describe(current) };
  // The same value as one of the last two reads of this path (the same SKU or flag on cache after cache, or before and
  // after an unchanged attribute): that read's result again, rather than a new one (results are read, never written).
  if (reader.result?.kind === 'known' && Object.is(reader.result.value, current)) return reader.result;
  if (reader.previousResult?.kind === 'known' && Object.is(reader.previousResult.value, current)) return reader.previousResult;
  return { kind: 'known', value: current };
}

/** The one absent value (results are read, never written). */
const ABSENT: AttributeValue = Object.freeze({ kind: 'absent' });

function containsUnresolved(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('${');
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (const element of value) if (containsUnresolved(element)) return true;
    return false;
  }
  // for-in over own keys: the same keys as Object.keys, without a list of them per object (a block is read per cache).
  for (const key in value) if (Object.prototype.hasOwnProperty.call(value, key) && containsUnresolved((value as Record<string, unknown>)[key])) return true;
  return false;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Reads an attribute of a resource. */
export function attr(resource: TerraformResource, path: string): AttributeValue {
  return readAttribute(resource.values, path);
}

const KNOWN_RESULTS = new Map<unknown, DefaultedValue>();

/**
 * `{ kind: 'known', value }`, one shared object per primitive value (the provider defaults the rules fill in for
 * absent attributes are a handful of strings and booleans, asked for on every cache).
 */
export function knownResult(value: unknown): DefaultedValue {
  if (value !== null && (typeof value === 'object' || typeof value === 'function')) return { kind: 'known', value };
  let result = KNOWN_RESULTS.get(value);
  if (result === undefined) {
    result = Object.freeze({ kind: 'known', value }) as DefaultedValue;
    if (KNOWN_RESULTS.size < 1000) KNOWN_RESULTS.set(value, result);
  }
  return result;
}

/** A value that is either known or unknown (absent values were replaced by a default). */
export type DefaultedValue = Exclude<AttributeValue, { readonly kind: 'absent' }>;

/** The attribute's value, or the provider's default when it is absent. */
export function attrOr(resource: TerraformResource, path: string, providerDefault: unknown): DefaultedValue {
  const value = attr(resource, path);
  return value.kind === 'absent' ? knownResult(providerDefault) : value;
}

/** The attribute's value when known (with `providerDefault` for absent), else undefined. */
export function knownValue(resource: TerraformResource, path: string, providerDefault?: unknown): unknown {
  const value = providerDefault === undefined ? attr(resource, path) : attrOr(resource, path, providerDefault);
  return value.kind === 'known' ? value.value : undefined;
}

/** The list of blocks at a path (e.g. `default_database.module`), normalised to an array; unknown if unresolved. */
export function blocks(resource: TerraformResource, path: string): AttributeValue {
  const value = attr(resource, path);
  if (value.kind !== 'known') return value;
  return { kind: 'known', value: Array.isArray(value.value) ? value.value : [value.value] };
}

const INDEX = String.raw`\[(?:\d+|"(?:[^"\\]|\\.)*"|\*)\]`;
/**
 * A reference to a resource inside `${...}`: `type.name`, `data.type.name`, with an instance key (`[0]`, `["k"]`,
 * `[*]`) and module instance prefixes (`module.x.`, `module.x["k"].`).
 */
const REFERENCE = new RegExp(String.raw`(?<![\w.\-\]])((?:module\.[A-Za-z_][\w-]*(?:${INDEX})?\.)*(?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*(?:${INDEX})?)`, 'g');

/** `${type.name}` or `${data.type.name}`, followed by attribute names only (no index, no module, nothing else). */
const SIMPLE_REFERENCE = /^\$\{((?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*)(?:\.[A-Za-z_][\w-]*)*\}$/;

/** The resource addresses a value refers to through `${...}` interpolations (absolute: module prefix and instance key). */
export function referencedAddresses(value: unknown): string[] {
  // The common case, one whole reference such as `${azurerm_managed_redis.cache.id}`: what REFERENCE finds in it is
  // its `type.name`, without splitting it into interpolations.
  if (typeof value === 'string') {
    const simple = SIMPLE_REFERENCE.exec(value);
    if (simple !== null) return [simple[1]];
  }
  const found = new Set<string>();
  collectReferences(value, found);
  return [...found];
}

function collectReferences(value: unknown, found: Set<string>): void {
  if (typeof value === 'string') {
    if (!value.includes('${')) return; // a literal refers to nothing
    for (const expression of interpolations(value)) {
      // exec on the one global pattern (matchAll would copy the pattern on every call)
      REFERENCE.lastIndex = 0;
      for (let m = REFERENCE.exec(expression); m !== null; m = REFERENCE.exec(expression)) found.add(m[1]);
    }
  } else if (Array.isArray(value)) {
    for (const element of value) collectReferences(element, found);
  } else if (value && typeof value === 'object') {
    for (const element of Object.values(value)) collectReferences(element, found);
  }
}

/** The `${...}` parts of a string, braces and quoted strings inside them balanced. */
function interpolations(text: string): string[] {
  const out: string[] = [];
  let start = text.indexOf('${');
  while (start >= 0) {
    let depth = 0;
    let end = start + 2;
    let quoted = false;
    for (; end < text.length; end++) {
      const c = text[end];
      if (quoted) {
        if (c === '\\') end++;
        else if (c === '"') quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === '{') depth++;
      else if (c === '}') {
        if (depth === 0) break;
        depth--;
      }
    }
    out.push(text.slice(start, end + 1));
    start = text.indexOf('${', end + 1);
  }
  return out;
}

/** The resource type of an address (`module.x.azurerm_managed_redis.a[0]` → `azurerm_managed_redis`; data sources `data.type`). */
export function addressType(address: string): string {
  const withoutModules = address.replace(new RegExp(String.raw`^(?:module\.[A-Za-z_][\w-]*(?:${INDEX})?\.)*`), '');
  const [first, second] = withoutModules.split('.');
  return first === 'data' ? `data.${second}` : first;
}

/** True when an address names a resource of this type (in any module, any instance). */
export function isAddressOf(address: string, type: string): boolean {
  return addressType(address) === type;
}

/** True when `value` refers to `target` (by address), e.g. `${azurerm_managed_redis.cache.id}`. */
export function refersTo(value: unknown, target: TerraformResource): boolean {
  return referencedAddresses(value).includes(target.address);
}

/** Normalises a name for comparisons the service does case-insensitively. */
export function sameText(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}

/** The display name of a cache for messages: its `name` attribute when known, else its address. */
export function displayName(resource: TerraformResource): string {
  const name = attr(resource, 'name');
  return name.kind === 'known' && typeof name.value === 'string' ? name.value : resource.address;
}
