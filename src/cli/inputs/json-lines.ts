/**
 * Line numbers of keys in a JSON text, for reports that point at the resource block (SARIF, GitHub annotations).
 * A single linear scan that tracks strings and nesting; it never evaluates values. It runs after JSON.parse accepted
 * the text, so a string holds no raw newline and every `"` inside one is escaped.
 */

/** The deepest nesting of objects and lists any Terraform document needs is far below this; deeper input is hostile. */
export const MAX_JSON_DEPTH = 256;

/** Thrown by the scan when a document nests deeper than MAX_JSON_DEPTH (the readers recurse over values). */
export class TooDeepError extends Error {
  public constructor(public readonly limit: number) {
    super(`nested deeper than ${limit} levels`);
    this.name = 'TooDeepError';
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
/** The characters the scan acts on: quotes, braces, brackets and commas. */
const STRUCTURAL = new Uint8Array(0x7e);
for (const c of [QUOTE, OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY, COMMA]) STRUCTURAL[c] = 1;
const OBJECT = 1;
const ARRAY = 2;

/** Keys a scan reports: those of the objects one level inside the root key `section` (its list elements or values). */
export interface KeySection {
  /** A key of the root object, e.g. `resource_changes` (a list of objects) or `resource` (an object of objects). */
  readonly section: string;
  /** Only this key of each object (e.g. `address`); the others are not even sliced. @default - every key */
  readonly onlyKey?: string;
}

/**
 * What a scan found, one entry per key reported, as columns (cheap to hand between threads): which section of the
 * query, the object's place in it (a list index or an object key), the key, and its line (1-based).
 */
export interface KeyLines {
  readonly section: number[];
  readonly parent: string[];
  readonly key: string[];
  readonly line: number[];
}

/**
 * The line of every key of the objects inside the root keys of `sections` (`{ "section": [ { "key": ... } ] }` or
 * `{ "section": { "parent": { "key": ... } } }`), in document order. One linear pass of character tests that keeps a
 * path for the first two levels only. Throws TooDeepError past MAX_JSON_DEPTH levels of nesting (the same pass).
 */
export function scanKeyLines(text: string, sections: readonly KeySection[]): KeyLines {
  const found: KeyLines = { section: [], parent: [], key: [], line: [] };
  const kinds = new Uint8Array(MAX_JSON_DEPTH + 1); // kinds[d]: the container at level d
  let level = 0;
  let section = -1; // the query's section of the root key now open (level 2 and below), or -1
  let parent = ''; // the list index or key of the level-2 value now open
  let index = 0; // the element index in the list at level 2
  let accepted = false; // whether the object at level 3 now open is inside a section of the query
  let onlyKey: string | undefined;
  let rootKey = '';
  let expectingKey = false;
  let line = 1;
  let counted = 0; // text before this offset has its newlines counted into `line`
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    // Most characters are indentation, line breaks or inside numbers and literals: one table lookup passes them.
    if (code > 0x7d || !STRUCTURAL[code]) continue;
    if (code === QUOTE) {
      // The closing quote is the next one not escaped by an odd run of backslashes.
      let end = text.indexOf('"', i + 1);
      while (end > 0) {
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === BACKSLASH) slashes++;
        if ((slashes & 1) === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end < 0) end = length;
      if (expectingKey) {
        expectingKey = false;
        if (level === 1) rootKey = text.slice(i + 1, end);
        else if (level === 2) parent = text.slice(i + 1, end);
        else if (accepted && level === 3 && (onlyKey === undefined || (end - i - 1 === onlyKey.length && text.startsWith(onlyKey, i + 1)))) {
          for (let n = text.indexOf('\n', counted); n >= 0 && n < i; n = text.indexOf('\n', n + 1)) line++;
          counted = i;
          found.section.push(section);
          found.parent.push(parent);
          found.key.push(text.slice(i + 1, end));
          found.line.push(line);
        }
      }
      i = end;
    } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      if (level >= MAX_JSON_DEPTH) throw new TooDeepError(MAX_JSON_DEPTH);
      if (level === 1) {
        section = -1;
        for (let s = 0; s < sections.length; s++) if (sections[s].section === rootKey) section = s;
        onlyKey = section >= 0 ? sections[section].onlyKey : undefined;
        index = 0;
      } else if (level === 2 && kinds[2] === ARRAY && section >= 0) parent = String(index);
      level++;
      kinds[level] = code === OPEN_OBJECT ? OBJECT : ARRAY;
      if (level === 3) accepted = code === OPEN_OBJECT && section >= 0;
      expectingKey = code === OPEN_OBJECT;
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      level--;
      expectingKey = false;
      if (level === 1) section = -1;
    } else if (code === COMMA) {
      if (kinds[level] === OBJECT) expectingKey = true;
      else if (level === 2) index++;
    }
  }
  return found;
}

/** The resource_changes entries of a plan: each one's `"address"` key. */
export const PLAN_ENTRIES: KeySection = { section: 'resource_changes', onlyKey: 'address' };
/** The resources of Terraform JSON: `"name": {` under `resource.type`. */
export const JSON_RESOURCES: KeySection = { section: 'resource' };

/** index in resource_changes → line, from a scan whose query holds PLAN_ENTRIES at `section`. */
export function planLines(found: KeyLines, section = 0): Map<number, number> {
  const lines = new Map<number, number>();
  for (let i = 0; i < found.line.length; i++) if (found.section[i] === section) lines.set(Number(found.parent[i]), found.line[i]);
  return lines;
}

/** `type.name` → line, from a scan whose query holds JSON_RESOURCES at `section`. */
export function resourceLines(found: KeyLines, section = 0): Map<string, number> {
  const lines = new Map<string, number>();
  for (let i = 0; i < found.line.length; i++) if (found.section[i] === section) lines.set(`${found.parent[i]}.${found.key[i]}`, found.line[i]);
  return lines;
}

/** `type.name` → line of the `"name": {` key under `resource.type` in Terraform JSON. */
export function terraformJsonResourceLines(text: string): Map<string, number> {
  return resourceLines(scanKeyLines(text, [JSON_RESOURCES]));
}

/** index in resource_changes → line of its `"address"` key, in a plan JSON. */
export function planResourceLines(text: string): Map<number, number> {
  return planLines(scanKeyLines(text, [PLAN_ENTRIES]));
}
