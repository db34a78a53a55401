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
  /** For resources read from a plan: the planned actions and the values before the change. */
  readonly change?: { readonly actions: readonly string[]; readonly before: Readonly<Record<string, unknown>> | null };
}

export interface StackView {
  readonly name: string;
  readonly resources: readonly TerraformResource[];
  /** The profile recorded by the constructs at stack level (`//.amr.profile`), if any. */
  readonly profile?: Profile;
  /** The azurerm version the input declares, if any. */
  readonly providerVersion?: string;
  /** Acknowledgements recorded by the constructs (`//.amr.acknowledgements`), honoured by `amr check` too. */
  readonly acknowledgements?: readonly Suppression[];
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

/**
 * Reads `a.b.c` from resource values. A block given as a list (HCL and plans write blocks as lists) is entered at its
 * first element unless the next segment is an index. Any unresolved value on the way makes the result unknown.
 */
export function readAttribute(values: unknown, path: string): AttributeValue {
  let current: unknown = values;
  for (const segment of path.split('.')) {
    if (isUnresolved(current)) return { kind: 'unknown', expression: current as string };
    if (Array.isArray(current)) {
      const index = /^\d+$/.test(segment) ? Number(segment) : 0;
      if (current.length <= index) return { kind: 'absent' };
      current = current[index];
      if (/^\d+$/.test(segment)) continue;
      if (isUnresolved(current)) return { kind: 'unknown', expression: current as string };
    }
    if (current === null || typeof current !== 'object') return { kind: 'absent' };
    current = (current as Record<string, unknown>)[segment];
    if (current === undefined || current === null) return { kind: 'absent' };
  }
  if (containsUnresolved(current)) return { kind: 'unknown', expression: describe(current) };
  return { kind: 'known', value: current };
}

function containsUnresolved(value: unknown): boolean {
  if (isUnresolved(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnresolved);
  if (value && typeof value === 'object') return Object.values(value).some(containsUnresolved);
  return false;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Reads an attribute of a resource. */
export function attr(resource: TerraformResource, path: string): AttributeValue {
  return readAttribute(resource.values, path);
}

/** A value that is either known or unknown (absent values were replaced by a default). */
export type DefaultedValue = Exclude<AttributeValue, { readonly kind: 'absent' }>;

/** The attribute's value, or the provider's default when it is absent. */
export function attrOr(resource: TerraformResource, path: string, providerDefault: unknown): DefaultedValue {
  const value = attr(resource, path);
  return value.kind === 'absent' ? { kind: 'known', value: providerDefault } : value;
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

const REFERENCE = /(?<![\w.-])((?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][\w-]*)/g;

/** The `type.name` addresses a value refers to through `${...}` interpolations. */
export function referencedAddresses(value: unknown): string[] {
  const found = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const expression of v.match(/\$\{[^}]*\}/g) ?? []) {
        for (const m of expression.matchAll(REFERENCE)) found.add(`${m[1]}.${m[2]}`);
      }
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(value);
  return [...found];
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
