/**
 * Line numbers of keys in a JSON text, for reports that point at the resource block (SARIF, GitHub annotations).
 * A single linear scan that tracks strings and nesting; it never evaluates values.
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

/**
 * Calls `onKey(path, line)` for every object key whose parent path `accept` approves (path includes the key).
 * Throws TooDeepError past MAX_JSON_DEPTH levels of nesting (the same scan, so no second pass over the text).
 */
export function scanKeyLines(text: string, accept: (parentPath: readonly string[]) => boolean, onKey: (path: string[], line: number) => void): void {
  const path: string[] = [];
  const containers: Array<'object' | 'array'> = [];
  const arrayIndex: number[] = [];
  let line = 1;
  let expectingKey = false;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0a) {
      line++;
      continue;
    }
    // Whitespace, digits, letters of true/false/null and ':' need nothing: skip them without building a string.
    if (code !== 0x22 && code !== 0x7b && code !== 0x7d && code !== 0x5b && code !== 0x5d && code !== 0x2c) continue;
    const c = text[i];
    if (c === '"') {
      const start = i + 1;
      let j = start;
      for (; j < length; j++) {
        const d = text.charCodeAt(j);
        if (d === 0x22) break;
        if (d === 0x5c) j++;
        else if (d === 0x0a) line++;
      }
      i = j;
      // Only keys are sliced; string values are skipped.
      if (expectingKey && containers[containers.length - 1] === 'object') {
        const value = text.slice(start, j);
        if (accept(path)) onKey([...path, value], line);
        path.push(value);
        expectingKey = false;
      }
    } else if (c === '{') {
      if (containers.length >= MAX_JSON_DEPTH) throw new TooDeepError(MAX_JSON_DEPTH);
      if (containers[containers.length - 1] === 'array') path.push(String(arrayIndex[arrayIndex.length - 1]));
      containers.push('object');
      expectingKey = true;
    } else if (c === '[') {
      if (containers.length >= MAX_JSON_DEPTH) throw new TooDeepError(MAX_JSON_DEPTH);
      if (containers[containers.length - 1] === 'array') path.push(String(arrayIndex[arrayIndex.length - 1]));
      containers.push('array');
      arrayIndex.push(0);
    } else if (c === '}' || c === ']') {
      const closed = containers.pop();
      if (closed === 'array') arrayIndex.pop();
      if (closed === 'object' && !expectingKey) path.pop(); // the last key's value ended
      expectingKey = false;
      if (containers[containers.length - 1] === 'array') path.pop();
    } else if (c === ',') {
      if (containers[containers.length - 1] === 'object') {
        path.pop();
        expectingKey = true;
      } else if (containers[containers.length - 1] === 'array') {
        arrayIndex[arrayIndex.length - 1]++;
      }
    }
  }
}

/** `type.name` → line of the `"name": {` key under `resource.type` in Terraform JSON. */
export function terraformJsonResourceLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  scanKeyLines(
    text,
    (parent) => parent.length === 2 && parent[0] === 'resource',
    (path, line) => lines.set(`${path[1]}.${path[2]}`, line),
  );
  return lines;
}

/** index in resource_changes → line of its `"address"` key, in a plan JSON. */
export function planResourceLines(text: string): Map<number, number> {
  const lines = new Map<number, number>();
  scanKeyLines(
    text,
    (parent) => parent.length === 2 && parent[0] === 'resource_changes',
    (path, line) => {
      if (path[2] === 'address') lines.set(Number(path[1]), line);
    },
  );
  return lines;
}
