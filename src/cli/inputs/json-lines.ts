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

/**
 * Calls `onKey(path, line)` for every key of the objects nested `depth` levels deep (the root object is level 1) whose
 * parent path `accept` approves; a path names object keys and list indexes (`['resource_changes', '3', 'address']`).
 * Only the first `depth - 1` levels keep a path and only keys at `depth` are read, so the scan costs one pass of
 * character tests. Throws TooDeepError past MAX_JSON_DEPTH levels of nesting (the same pass).
 */
export function scanKeyLines(
  text: string,
  depth: number,
  accept: (parentPath: readonly string[]) => boolean,
  onKey: (path: string[], line: number) => void,
  /** Only this key (e.g. `address`) is reported: the others are not even sliced. @default - every key */
  onlyKey?: string,
): void {
  const kinds = new Uint8Array(MAX_JSON_DEPTH + 1); // kinds[d]: the container at level d
  const index = new Int32Array(depth + 1); // the element index of the lists of the first levels
  const path: string[] = []; // path[d - 1]: where the value at level d sits in its parent (first levels only)
  let level = 0;
  let accepted = false; // whether the object at level `depth` now open is one `accept` approved
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
        if (level < depth) path[level - 1] = text.slice(i + 1, end);
        else if (accepted && level === depth && (onlyKey === undefined || (end - i - 1 === onlyKey.length && text.startsWith(onlyKey, i + 1)))) {
          for (let n = text.indexOf('\n', counted); n >= 0 && n < i; n = text.indexOf('\n', n + 1)) line++;
          counted = i;
          path[level - 1] = text.slice(i + 1, end);
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
    } else if (code === COMMA) {
      if (kinds[level] === OBJECT) expectingKey = true;
      else if (level <= depth) index[level]++;
    }
  }
}

/** `type.name` → line of the `"name": {` key under `resource.type` in Terraform JSON. */
export function terraformJsonResourceLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  scanKeyLines(
    text,
    3,
    (parent) => parent[0] === 'resource',
    (path, line) => lines.set(`${path[1]}.${path[2]}`, line),
  );
  return lines;
}

/** index in resource_changes → line of its `"address"` key, in a plan JSON. */
export function planResourceLines(text: string): Map<number, number> {
  const lines = new Map<number, number>();
  scanKeyLines(
    text,
    3,
    (parent) => parent[0] === 'resource_changes',
    (path, line) => lines.set(Number(path[1]), line),
    'address',
  );
  return lines;
}
