/**
 * Terraform's built-in functions that are known before apply, with Terraform's documented semantics
 * (developer.hashicorp.com/terraform/language/functions). A function not listed here, or one that is only known at
 * apply (`timestamp`, `uuid`, file reads), makes its call unknown. A wrong argument is an `EvaluationError`, which
 * the evaluator turns into an unknown naming the call, as Terraform would refuse the configuration.
 */
import {
  asBool,
  asSetValue,
  asList,
  asMap,
  asNumber,
  asString,
  containsUnknown,
  equalValues,
  EvaluationError,
  isObject,
  numberToString,
  objectOf,
  sortedKeys,
  typeName,
  Unknown,
  type Value,
} from './values';

/** Functions whose arguments are evaluated lazily by the evaluator (errors in them are caught). */
export const LAZY_FUNCTIONS: ReadonlySet<string> = new Set(['try', 'can']);

/** The longest list `range` may build (Terraform's limit). */
export const MAX_RANGE = 1024;
/** The widest field `format` pads to (bounds the text a configuration can make us build). */
const MAX_WIDTH = 4096;

interface FunctionDefinition {
  /** Allowed argument counts: [min, max] (max Infinity for variadic). */
  readonly arity: readonly [number, number];
  /**
   * True when the function copes with unknown parts inside its (known) arguments, 'all' when it also decides with
   * unknown arguments (coalesce: the first non-null known argument wins); else any unknown makes the call unknown.
   */
  readonly partial?: boolean | 'all';
  readonly call: (args: Value[]) => Value;
}

const UNKNOWN = new Unknown('(unknown)');

function fixed(n: number): readonly [number, number] {
  return [n, n];
}

function fn(arity: readonly [number, number], call: (args: Value[]) => Value, partial: boolean | 'all' = false): FunctionDefinition {
  return { arity, call, partial };
}

const str = (name: string, call: (s: string) => Value) => fn(fixed(1), ([s]) => call(asString(s, name)));

/** A set of strings (or other primitives) as Terraform orders it: distinct, strings lexically. */
function toSet(list: Value[]): Value[] {
  const out: Value[] = [];
  for (const v of list) if (!out.some((o) => equalValues(o, v) === true)) out.push(v);
  if (out.every((v) => typeof v === 'string')) return asSetValue((out as string[]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  return asSetValue(out);
}

function format(spec: string, args: Value[]): string {
  let next = 0;
  return spec.replace(/%(?:\[(\d+)\])?([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g, (_m, position: string | undefined, flags: string, width: string | undefined, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    const i = position !== undefined ? Number(position) - 1 : next;
    next = i + 1;
    if (i >= args.length) throw new EvaluationError(`format: not enough arguments for "${spec}"`);
    const arg = args[i];
    let out: string;
    switch (verb) {
      case 's':
        out = asString(arg, 'format %s');
        break;
      case 'd': {
        const n = asNumber(arg, 'format %d');
        if (!Number.isInteger(n)) throw new EvaluationError(`format: %d needs a whole number, got ${n}`);
        out = numberToString(n);
        if (flags.includes('+') && n >= 0) out = `+${out}`;
        break;
      }
      case 'f':
        out = asNumber(arg, 'format %f').toFixed(precision !== undefined ? Number(precision) : 6);
        break;
      case 'q':
        out = JSON.stringify(asString(arg, 'format %q'));
        break;
      case 't':
        out = String(asBool(arg, 'format %t'));
        break;
      case 'v':
        out = typeof arg === 'string' ? arg : typeof arg === 'number' || typeof arg === 'boolean' ? asString(arg, 'format %v') : jsonEncode(arg);
        break;
      case 'x':
        out = Math.trunc(asNumber(arg, 'format %x')).toString(16);
        break;
      default:
        throw new EvaluationError(`format: unsupported verb %${verb}`);
    }
    if (width !== undefined && Number(width) > MAX_WIDTH) throw new EvaluationError(`format: width ${width} is over ${MAX_WIDTH}`);
    if (width !== undefined && out.length < Number(width)) {
      const pad = (flags.includes('0') && !flags.includes('-') ? '0' : ' ').repeat(Number(width) - out.length);
      out = flags.includes('-') ? out + pad : pad + out;
    }
    return out;
  });
}

function jsonEncode(value: Value): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}

function fromJson(value: unknown): Value {
  return value as Value;
}

/** A regex given to `replace` as `/.../`, in RE2 syntax as far as JavaScript shares it. */
function replaceAll(s: string, search: string, replacement: string): string {
  if (search.length >= 2 && search.startsWith('/') && search.endsWith('/')) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(search.slice(1, -1), 'g');
    } catch (error) {
      throw new EvaluationError(`replace: invalid regular expression ${search} (${(error as Error).message})`);
    }
    return s.replace(pattern, replacement.replace(/\$\{?(\d+)\}?/g, '$$$1'));
  }
  if (search === '') throw new EvaluationError('replace: the substring to replace is empty');
  return s.split(search).join(replacement);
}

function numbers(name: string, args: Value[]): number[] {
  if (args.length === 0) throw new EvaluationError(`${name}: at least one argument is required`);
  return args.map((a) => asNumber(a, name));
}

function elementAt(list: Value[], i: number, name: string): Value {
  if (list.length === 0) throw new EvaluationError(`${name}: cannot use ${name} on an empty list`);
  if (!Number.isInteger(i) || i < 0) throw new EvaluationError(`${name}: the index must be a non-negative whole number, got ${i}`);
  return list[i % list.length];
}

export const FUNCTIONS: Readonly<Record<string, FunctionDefinition>> = {
  abs: fn(fixed(1), ([n]) => Math.abs(asNumber(n, 'abs'))),
  alltrue: fn(fixed(1), ([l]) => asList(l, 'alltrue').every((v) => asBool(v, 'alltrue'))),
  anytrue: fn(fixed(1), ([l]) => asList(l, 'anytrue').some((v) => asBool(v, 'anytrue'))),
  ceil: fn(fixed(1), ([n]) => Math.ceil(asNumber(n, 'ceil'))),
  chomp: str('chomp', (s) => s.replace(/(\r\n|\n|\r)+$/, '')),
  chunklist: fn(
    fixed(2),
    ([l, n]) => {
      const list = asList(l, 'chunklist');
      const size = asNumber(n, 'chunklist');
      if (!Number.isInteger(size) || size < 0) throw new EvaluationError('chunklist: the size must be a non-negative whole number');
      if (size === 0) return [list];
      const out: Value[] = [];
      for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
      return out;
    },
    true,
  ),
  coalesce: fn(
    [1, Infinity],
    (args) => {
      for (const a of args) {
        if (a instanceof Unknown) return UNKNOWN;
        if (a !== null && a !== '') return a;
      }
      throw new EvaluationError('coalesce: no non-null, non-empty-string arguments');
    },
    'all',
  ),
  coalescelist: fn(
    [1, Infinity],
    (args) => {
      for (const a of args) {
        if (a instanceof Unknown) return UNKNOWN;
        if (asList(a, 'coalescelist').length > 0) return a;
      }
      throw new EvaluationError('coalescelist: no non-empty list arguments');
    },
    'all',
  ),
  compact: fn(fixed(1), ([l]) => asList(l, 'compact').filter((v) => v !== null && asString(v, 'compact') !== '')),
  concat: fn([1, Infinity], (args) => args.flatMap((a) => asList(a, 'concat')), true),
  contains: fn(
    fixed(2),
    ([l, v]) => {
      const list = isObject(l) ? Object.values(l) : asList(l, 'contains');
      if (v instanceof Unknown) return UNKNOWN;
      let unknown = false;
      for (const item of list) {
        const equal = equalValues(item, v);
        if (equal === true) return true;
        if (equal === undefined) unknown = true;
      }
      return unknown ? UNKNOWN : false;
    },
    true,
  ),
  distinct: fn(fixed(1), ([l]) => {
    const out: Value[] = [];
    for (const v of asList(l, 'distinct')) if (!out.some((o) => equalValues(o, v) === true)) out.push(v);
    return out;
  }),
  element: fn(fixed(2), ([l, i]) => elementAt(asList(l, 'element'), asNumber(i, 'element'), 'element'), true),
  endswith: fn(fixed(2), ([s, suffix]) => asString(s, 'endswith').endsWith(asString(suffix, 'endswith'))),
  flatten: fn(
    fixed(1),
    ([l]) => {
      const out: Value[] = [];
      const visit = (v: Value) => {
        if (Array.isArray(v)) v.forEach(visit);
        else out.push(v);
      };
      asList(l, 'flatten').forEach(visit);
      return out;
    },
    true,
  ),
  floor: fn(fixed(1), ([n]) => Math.floor(asNumber(n, 'floor'))),
  format: fn([1, Infinity], ([spec, ...rest]) => format(asString(spec, 'format'), rest)),
  formatlist: fn([1, Infinity], ([spec, ...rest]) => {
    const lists = rest.filter(Array.isArray) as Value[][];
    const length = lists.length === 0 ? 1 : lists[0].length;
    if (lists.some((l) => l.length !== length)) throw new EvaluationError('formatlist: all lists must have the same length');
    return Array.from({ length }, (_v, i) => format(asString(spec, 'formatlist'), rest.map((a) => (Array.isArray(a) ? a[i] : a))));
  }),
  index: fn(fixed(2), ([l, v]) => {
    const i = asList(l, 'index').findIndex((item) => equalValues(item, v) === true);
    if (i < 0) throw new EvaluationError('index: the value is not in the list');
    return i;
  }),
  join: fn([2, Infinity], ([sep, ...lists]) => lists.flatMap((l) => asList(l, 'join')).map((v) => asString(v, 'join')).join(asString(sep, 'join'))),
  jsondecode: fn(fixed(1), ([s]) => {
    try {
      return fromJson(JSON.parse(asString(s, 'jsondecode')));
    } catch (error) {
      if (error instanceof EvaluationError) throw error;
      throw new EvaluationError(`jsondecode: not valid JSON (${(error as Error).message})`);
    }
  }),
  jsonencode: fn(fixed(1), ([v]) => jsonEncode(v)),
  keys: fn(fixed(1), ([m]) => sortedKeys(asMap(m, 'keys')), true),
  length: fn(
    fixed(1),
    ([v]) => {
      if (typeof v === 'string') return [...v].length;
      if (Array.isArray(v)) return v.length;
      if (isObject(v)) return Object.keys(v).length;
      throw new EvaluationError(`length: a list, map or string is required, got ${typeName(v)}`);
    },
    true,
  ),
  lookup: fn(
    [2, 3],
    ([m, k, fallback]) => {
      const map = asMap(m, 'lookup');
      if (k instanceof Unknown) return UNKNOWN;
      const key = asString(k, 'lookup');
      if (Object.prototype.hasOwnProperty.call(map, key)) return map[key];
      if (fallback === undefined) throw new EvaluationError(`lookup: the map has no key "${key}" and no default was given`);
      return fallback;
    },
    true,
  ),
  lower: str('lower', (s) => s.toLowerCase()),
  max: fn([1, Infinity], (args) => Math.max(...numbers('max', args))),
  merge: fn(
    [0, Infinity],
    (args) => {
      const entries = new Map<string, Value>();
      for (const a of args) {
        if (a === null) continue;
        if (a instanceof Unknown) return UNKNOWN;
        for (const [k, v] of Object.entries(asMap(a, 'merge'))) entries.set(k, v);
      }
      return objectOf([...entries.entries()]);
    },
    true,
  ),
  min: fn([1, Infinity], (args) => Math.min(...numbers('min', args))),
  nonsensitive: fn(fixed(1), ([v]) => v, true),
  one: fn(
    fixed(1),
    ([l]) => {
      const list = asList(l, 'one');
      if (list.length > 1) throw new EvaluationError(`one: the list has ${list.length} elements, at most one is allowed`);
      return list.length === 0 ? null : list[0];
    },
    true,
  ),
  parseint: fn(fixed(2), ([s, b]) => {
    const base = asNumber(b, 'parseint');
    const text = asString(s, 'parseint');
    const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, base);
    if (base < 2 || base > 62 || !new RegExp(`^[-+]?[${digits}]+$`, 'i').test(text)) throw new EvaluationError(`parseint: cannot parse "${text}" in base ${base}`);
    return parseInt(text, base);
  }),
  pow: fn(fixed(2), ([a, b]) => Math.pow(asNumber(a, 'pow'), asNumber(b, 'pow'))),
  range: fn([1, 3], (args) => {
    const n = args.map((a) => asNumber(a, 'range'));
    const [start, end, step] = n.length === 1 ? [0, n[0], 1] : n.length === 2 ? [n[0], n[1], n[0] <= n[1] ? 1 : -1] : n;
    if (step === 0) throw new EvaluationError('range: the step must not be zero');
    if ((end - start) / step < 0 && start !== end) throw new EvaluationError('range: the step goes the wrong way');
    const out: number[] = [];
    for (let v = start; step > 0 ? v < end : v > end; v += step) {
      if (out.length >= MAX_RANGE) throw new EvaluationError(`range: more than ${MAX_RANGE} values were generated`);
      out.push(v);
    }
    return out;
  }),
  replace: fn(fixed(3), ([s, search, replacement]) => replaceAll(asString(s, 'replace'), asString(search, 'replace'), asString(replacement, 'replace'))),
  reverse: fn(fixed(1), ([l]) => [...asList(l, 'reverse')].reverse(), true),
  sensitive: fn(fixed(1), ([v]) => v, true),
  setunion: fn([1, Infinity], (args) => toSet(args.flatMap((a) => asList(a, 'setunion')))),
  signum: fn(fixed(1), ([n]) => Math.sign(asNumber(n, 'signum'))),
  slice: fn(
    fixed(3),
    ([l, a, b]) => {
      const list = asList(l, 'slice');
      const from = asNumber(a, 'slice');
      const to = asNumber(b, 'slice');
      if (from < 0 || to > list.length || from > to) throw new EvaluationError(`slice: indexes ${from}..${to} are out of range for a list of ${list.length}`);
      return list.slice(from, to);
    },
    true,
  ),
  sort: fn(fixed(1), ([l]) => asList(l, 'sort').map((v) => asString(v, 'sort')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))),
  split: fn(fixed(2), ([sep, s]) => {
    const separator = asString(sep, 'split');
    const text = asString(s, 'split');
    return separator === '' ? [...text] : text.split(separator);
  }),
  startswith: fn(fixed(2), ([s, prefix]) => asString(s, 'startswith').startsWith(asString(prefix, 'startswith'))),
  strcontains: fn(fixed(2), ([s, sub]) => asString(s, 'strcontains').includes(asString(sub, 'strcontains'))),
  strrev: str('strrev', (s) => [...s].reverse().join('')),
  substr: fn(fixed(3), ([s, o, l]) => {
    const chars = [...asString(s, 'substr')];
    let offset = asNumber(o, 'substr');
    const length = asNumber(l, 'substr');
    if (offset < 0) offset = Math.max(0, chars.length + offset);
    return chars.slice(offset, length < 0 ? undefined : offset + length).join('');
  }),
  sum: fn(fixed(1), ([l]) => {
    const list = asList(l, 'sum');
    if (list.length === 0) throw new EvaluationError('sum: cannot sum an empty list');
    return list.reduce<number>((total, v) => total + asNumber(v, 'sum'), 0);
  }),
  title: str('title', (s) => s.replace(/(^|[^\p{L}\p{N}])(\p{L})/gu, (_m, before: string, c: string) => before + c.toUpperCase())),
  tobool: fn(fixed(1), ([v]) => (v === null ? null : asBool(v, 'tobool'))),
  tolist: fn(fixed(1), ([v]) => asList(v, 'tolist'), true),
  tomap: fn(fixed(1), ([v]) => asMap(v, 'tomap'), true),
  tonumber: fn(fixed(1), ([v]) => (v === null ? null : asNumber(v, 'tonumber'))),
  toset: fn(fixed(1), ([v]) => toSet(asList(v, 'toset'))),
  tostring: fn(fixed(1), ([v]) => (v === null ? null : asString(v, 'tostring'))),
  trim: fn(fixed(2), ([s, cut]) => {
    const chars = new Set([...asString(cut, 'trim')]);
    const list = [...asString(s, 'trim')];
    let a = 0;
    let b = list.length;
    while (a < b && chars.has(list[a])) a++;
    while (b > a && chars.has(list[b - 1])) b--;
    return list.slice(a, b).join('');
  }),
  trimprefix: fn(fixed(2), ([s, p]) => {
    const text = asString(s, 'trimprefix');
    const prefix = asString(p, 'trimprefix');
    return text.startsWith(prefix) ? text.slice(prefix.length) : text;
  }),
  trimspace: str('trimspace', (s) => s.trim()),
  trimsuffix: fn(fixed(2), ([s, p]) => {
    const text = asString(s, 'trimsuffix');
    const suffix = asString(p, 'trimsuffix');
    return suffix !== '' && text.endsWith(suffix) ? text.slice(0, -suffix.length) : text;
  }),
  upper: str('upper', (s) => s.toUpperCase()),
  values: fn(
    fixed(1),
    ([m]) => {
      const map = asMap(m, 'values');
      return sortedKeys(map).map((k) => map[k]);
    },
    true,
  ),
  zipmap: fn(
    fixed(2),
    ([k, v]) => {
      const keys = asList(k, 'zipmap');
      const values = asList(v, 'zipmap');
      if (keys.length !== values.length) throw new EvaluationError(`zipmap: ${keys.length} keys and ${values.length} values`);
      if (keys.some((key) => key instanceof Unknown)) return UNKNOWN;
      return objectOf(keys.map((key, i) => [asString(key, 'zipmap'), values[i]]));
    },
    true,
  ),
};

/**
 * Calls a function on evaluated arguments. Returns an `Unknown` (to be named by the caller) when the function is not
 * known before apply, not implemented, or an argument it needs is unknown.
 */
export function callFunction(name: string, args: Value[]): Value {
  const definition = Object.prototype.hasOwnProperty.call(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!definition) return UNKNOWN;
  const [min, max] = definition.arity;
  if (args.length < min || args.length > max) {
    throw new EvaluationError(`${name}: ${args.length} argument${args.length === 1 ? '' : 's'} given, ${min === max ? min : max === Infinity ? `at least ${min}` : `${min} to ${max}`} expected`);
  }
  if (definition.partial === 'all' ? false : definition.partial ? args.some((a) => a instanceof Unknown) : args.some(containsUnknown)) return UNKNOWN;
  return definition.call(args);
}
