/**
 * Line numbers of keys in a JSON text, for reports that point at the resource block (SARIF, GitHub annotations).
 * A single linear scan of the text's UTF-8 bytes that tracks strings and nesting; it never evaluates values. Its answer
 * is used only for a text JSON.parse accepted, so a string holds no raw newline and every `"` inside one is escaped.
 * Bytes rather than characters: a file's bytes are scanned as read (on the scan thread, with no decoded copy of the
 * text to build and collect), and every byte the scan acts on is ASCII, which UTF-8 never uses inside a longer character.
 */
import { asBuffer } from './decode';

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
const NEWLINE = 0x0a;
/** The bytes the scan acts on: line breaks, quotes, braces, brackets and commas. */
const STRUCTURAL = new Uint8Array(0x100);
for (const c of [NEWLINE, QUOTE, OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY, COMMA]) STRUCTURAL[c] = 1;
const OBJECT = 1;
const ARRAY = 2;

/** Keys a scan reports: those of the objects one level inside the root key `section` (its list elements or values). */
export interface KeySection {
  /** A key of the root object, e.g. `resource_changes` (a list of objects) or `resource` (an object of objects). */
  readonly section: string;
  /** Only this key of each object (e.g. `address`); the others are not even decoded. @default - every key */
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
 * `{ "section": { "parent": { "key": ... } } }`), in document order, from the text or its UTF-8 bytes. One linear pass
 * of byte tests that keeps a path for the first two levels only. Throws TooDeepError past MAX_JSON_DEPTH levels of
 * nesting (the same pass).
 */
export function scanKeyLines(source: string | Uint8Array, sections: readonly KeySection[]): KeyLines {
  const bytes = typeof source === 'string' ? Buffer.from(source, 'utf8') : asBuffer(source);
  const onlyKeys = sections.map((s) => (s.onlyKey === undefined ? undefined : Buffer.from(s.onlyKey, 'utf8')));
  const found: KeyLines = { section: [], parent: [], key: [], line: [] };
  const kinds = new Uint8Array(MAX_JSON_DEPTH + 1); // kinds[d]: the container at level d
  let level = 0;
  let section = -1; // the query's section of the root key now open (level 2 and below), or -1
  let parent = ''; // the list index or key of the level-2 value now open
  let index = 0; // the element index in the list at level 2
  let accepted = false; // whether the object at level 3 now open is inside a section of the query
  let onlyKey: Buffer | undefined;
  let rootKey = '';
  let expectingKey = false;
  let line = 1;
  const length = bytes.length;
  for (let i = 0; i < length; i++) {
    const code = bytes[i];
    // Most bytes are indentation or inside numbers and literals: one table lookup passes them.
    if (STRUCTURAL[code] === 0) continue;
    if (code === NEWLINE) {
      line++; // never inside a string: strings are passed over whole below
    } else if (code === QUOTE) {
      // The closing quote is the next one not escaped by an odd run of backslashes.
      let end = bytes.indexOf(QUOTE, i + 1);
      while (end > 0) {
        let slashes = 0;
        while (bytes[end - 1 - slashes] === BACKSLASH) slashes++;
        if ((slashes & 1) === 0) break;
        end = bytes.indexOf(QUOTE, end + 1);
      }
      if (end < 0) end = length;
      if (expectingKey) {
        expectingKey = false;
        if (level === 1) rootKey = bytes.toString('utf8', i + 1, end);
        else if (level === 2) parent = bytes.toString('utf8', i + 1, end);
        else if (accepted && level === 3 && (onlyKey === undefined || isKey(bytes, i + 1, end, onlyKey))) {
          found.section.push(section);
          found.parent.push(parent);
          found.key.push(bytes.toString('utf8', i + 1, end));
          found.line.push(line);
        }
      }
      i = end;
    } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      if (level >= MAX_JSON_DEPTH) throw new TooDeepError(MAX_JSON_DEPTH);
      if (level === 1) {
        section = -1;
        for (let s = 0; s < sections.length; s++) if (sections[s].section === rootKey) section = s;
        onlyKey = section >= 0 ? onlyKeys[section] : undefined;
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
    } else if (kinds[level] === OBJECT) expectingKey = true; // a comma
    else if (level === 2) index++;
  }
  return found;
}

/** True when bytes[start, end) are exactly `key`. */
function isKey(bytes: Buffer, start: number, end: number, key: Buffer): boolean {
  if (end - start !== key.length) return false;
  for (let k = 0; k < key.length; k++) if (bytes[start + k] !== key[k]) return false;
  return true;
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
