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
const NEWLINE = 0x0a;
/** The bytes the scan acts on: quotes, braces, brackets, commas and line feeds (a string holds no raw line feed). */
const STRUCTURAL = new Uint8Array(256);
for (const c of [QUOTE, OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY, COMMA, NEWLINE]) STRUCTURAL[c] = 1;
const OBJECT = 1;
const ARRAY = 2;

/**
 * Calls `onKey(path, line)` for every key of the objects nested `depth` levels deep (the root object is level 1) whose
 * parent path `accept` approves; a path names object keys and list indexes (`['resource_changes', '3', 'address']`).
 * Only the first `depth - 1` levels keep a path and only keys at `depth` are read, so the scan costs one pass of
 * byte tests. Throws TooDeepError past MAX_JSON_DEPTH levels of nesting (the same pass).
 *
 * The scan reads the UTF-8 bytes of the document (the file as read, or the text encoded once): a loop over bytes is
 * about twice as fast as one over a string's characters, and the bytes of a multi-byte character are all >= 0x80, so
 * they are never mistaken for a quote, a bracket or a line feed.
 */
export function scanKeyLines(
  document: string | Uint8Array,
  depth: number,
  accept: (parentPath: readonly string[]) => boolean,
  onKey: (path: string[], line: number) => void,
  /** Only this key (e.g. `address`) is reported: the others are not even decoded. @default - every key */
  onlyKey?: string,
): void {
  const bytes = typeof document === 'string' ? Buffer.from(document, 'utf8') : Buffer.from(document.buffer, document.byteOffset, document.byteLength);
  const only = onlyKey === undefined ? undefined : Buffer.from(onlyKey, 'utf8');
  const kinds = new Uint8Array(MAX_JSON_DEPTH + 1); // kinds[d]: the container at level d
  const index = new Int32Array(depth + 1); // the element index of the lists of the first levels
  const path: string[] = []; // path[d - 1]: where the value at level d sits in its parent (first levels only)
  let level = 0;
  let accepted = false; // whether the object at level `depth` now open is one `accept` approved
  let expectingKey = false;
  let line = 1;
  const length = bytes.length;
  for (let i = 0; i < length; i++) {
    const code = bytes[i];
    // Most bytes are indentation or inside numbers and literals: one table lookup passes them.
    if (STRUCTURAL[code] === 0) continue;
    if (code === NEWLINE) line++;
    else if (code === QUOTE) {
      // The closing quote is the next one not escaped (a backslash escapes the byte after it).
      let end = i + 1;
      while (end < length) {
        const c = bytes[end];
        if (c === QUOTE) break;
        end += c === BACKSLASH ? 2 : 1;
      }
      if (end > length) end = length;
      if (expectingKey) {
        expectingKey = false;
        if (level < depth) path[level - 1] = bytes.toString('utf8', i + 1, end);
        else if (accepted && level === depth && (only === undefined || sameBytes(bytes, i + 1, end, only))) {
          path[level - 1] = only === undefined ? bytes.toString('utf8', i + 1, end) : (onlyKey as string);
          onKey(path.slice(0, level), line);
        }
      }
      i = end;
    } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      if (level >= MAX_JSON_DEPTH) throw new TooDeepError(MAX_JSON_DEPTH);
      if (kinds[level] === ARRAY && level < depth) path[level - 1] = String(index[level]);
      level++;
      kinds[level] = code === OPEN_OBJECT ? OBJECT : ARRAY;
      if (level <= depth) index[level] = 0;
      if (level === depth) accepted = code === OPEN_OBJECT && accept(path.slice(0, level - 1));
      expectingKey = code === OPEN_OBJECT;
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      level--;
      expectingKey = false;
    } else if (kinds[level] === OBJECT) expectingKey = true; // a comma in an object: a key follows
    else if (level <= depth) index[level]++; // a comma in a list
  }
}

/** True when `bytes[start, end)` equals `expected`. */
function sameBytes(bytes: Uint8Array, start: number, end: number, expected: Uint8Array): boolean {
  if (end - start !== expected.length) return false;
  for (let k = 0; k < expected.length; k++) if (bytes[start + k] !== expected[k]) return false;
  return true;
}

/** `type.name` → line of the `"name": {` key under `resource.type` in Terraform JSON. */
export function terraformJsonResourceLines(document: string | Uint8Array): Map<string, number> {
  const lines = new Map<string, number>();
  scanKeyLines(
    document,
    3,
    (parent) => parent[0] === 'resource',
    (path, line) => lines.set(`${path[1]}.${path[2]}`, line),
  );
  return lines;
}

/** index in resource_changes → line of its `"address"` key, in a plan JSON. */
export function planResourceLines(document: string | Uint8Array): Map<number, number> {
  const lines = new Map<number, number>();
  scanKeyLines(
    document,
    3,
    (parent) => parent[0] === 'resource_changes',
    (path, line) => lines.set(Number(path[1]), line),
    'address',
  );
  return lines;
}
