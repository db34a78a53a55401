/**
 * Values of the Terraform language as the HCL evaluator computes them: JSON-like known values (null, booleans,
 * numbers, strings, lists and objects), and `Unknown` for anything not known before apply. An unknown keeps the text
 * of its expression (with references made absolute) so a rule can name it and find the resources it refers to.
 */

/** A value Terraform knows only at apply time (or that this evaluator does not compute). */
export class Unknown {
  /**
   * @param text the expression, e.g. `module.x.azurerm_managed_redis.this.id`
   * @param display how it is written into resource values: `${text}`, or a template string with `${...}` parts
   * @param instances true for a resource whose count/for_each is unknown: any index into it stays `type.name[*]`
   * @param configured for a resource instance: the known value of an argument its configuration sets, else undefined
   *   (Terraform knows configured arguments at plan time; computed attributes such as `id` stay unknown)
   */
  public constructor(
    public readonly text: string,
    public readonly display: string = `\${${text}}`,
    public readonly instances = false,
    public readonly configured?: (name: string) => Value | undefined,
  ) {}
}

export type Value = null | boolean | number | string | Unknown | Value[] | { [key: string]: Value };

/** Lists that are sets (from `toset`, `setunion` or a `set(...)` type): iterating them, the key is the element. */
const SETS = new WeakSet<Value[]>();

/** Marks a list as a set and returns it. */
export function asSetValue(list: Value[]): Value[] {
  SETS.add(list);
  return list;
}

/** The key of element `i` when iterating a collection: the index of a list, the element itself in a set. */
export function iterationKey(list: Value[], i: number): Value {
  return SETS.has(list) ? list[i] : i;
}

/** A symbol table entered lazily by attribute (`var`, `local`, `module`, resource types): entries are computed on use. */
export class Namespace {
  public constructor(
    public readonly name: string,
    public readonly get: (key: string) => Value | Namespace | undefined,
  ) {}
}

/** A mistake Terraform would reject (wrong type, missing attribute, bad function argument). */
export class EvaluationError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'EvaluationError';
  }
}

export function isObject(value: unknown): value is { [key: string]: Value } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Unknown) && !(value instanceof Namespace);
}

/** True when the value or any part of it is unknown. */
export function containsUnknown(value: Value): boolean {
  if (value instanceof Unknown) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (isObject(value)) return Object.values(value).some(containsUnknown);
  return false;
}

/** An object from entries; a `__proto__` key stays an own property. */
export function objectOf(entries: Iterable<readonly [string, Value]>): { [key: string]: Value } {
  const object: { [key: string]: Value } = {};
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

/** Keys of a map in Terraform's iteration order (lexical). */
export function sortedKeys(object: { [key: string]: Value }): string[] {
  return Object.keys(object).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The name of a value's type for messages, as Terraform says it. */
export function typeName(value: Value | Namespace): string {
  if (value === null) return 'null';
  if (value instanceof Unknown) return 'unknown';
  if (value instanceof Namespace) return `the ${value.name} namespace`;
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

/** The value as it is written into resource values: unknowns become their `${...}` display strings. */
export function toPlain(value: Value): unknown {
  if (value instanceof Unknown) return value.display;
  if (Array.isArray(value)) return value.map(toPlain);
  if (isObject(value)) return objectOf(Object.entries(value).map(([k, v]) => [k, toPlain(v) as Value]));
  return value;
}

/** A number as Terraform prints it (no exponent for ordinary values). */
export function numberToString(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return BigInt(n).toString();
  return String(n);
}

/** Terraform's automatic conversion to string (numbers and bools convert; null, lists and objects do not). */
export function asString(value: Value, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberToString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  throw new EvaluationError(`${what}: a string is required, got ${typeName(value)}`);
}

/** Terraform's automatic conversion to number (numeric strings convert). */
export function asNumber(value: Value, what: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw new EvaluationError(`${what}: a number is required, got ${typeName(value)}${typeof value === 'string' ? ` "${value}"` : ''}`);
}

/** Terraform's automatic conversion to bool (`"true"` and `"false"` convert). */
export function asBool(value: Value, what: string): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new EvaluationError(`${what}: a bool is required, got ${typeName(value)}`);
}

export function asList(value: Value, what: string): Value[] {
  if (Array.isArray(value)) return value;
  throw new EvaluationError(`${what}: a list is required, got ${typeName(value)}`);
}

export function asMap(value: Value, what: string): { [key: string]: Value } {
  if (isObject(value)) return value;
  throw new EvaluationError(`${what}: a map or object is required, got ${typeName(value)}`);
}

/** Terraform's `==`: same type and value, collections element by element. Undefined when an unknown decides it. */
export function equalValues(a: Value, b: Value): boolean | undefined {
  if (a instanceof Unknown || b instanceof Unknown) return undefined;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    let unknown = false;
    for (let i = 0; i < a.length; i++) {
      const e = equalValues(a[i], b[i]);
      if (e === false) return false;
      if (e === undefined) unknown = true;
    }
    return unknown ? undefined : true;
  }
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length || keys.some((k) => !Object.prototype.hasOwnProperty.call(b, k))) return false;
    let unknown = false;
    for (const k of keys) {
      const e = equalValues(a[k], b[k]);
      if (e === false) return false;
      if (e === undefined) unknown = true;
    }
    return unknown ? undefined : true;
  }
  return a === b;
}
