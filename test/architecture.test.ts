/**
 * The house rules of src/, read from the import statements: no import circle (type-only imports count), and no room
 * imports one above it (README "Layout"): rules < topology < constructs; topology < emulator < backup operations < cli.
 */
import * as fs from 'fs';
import * as path from 'path';

const SRC = path.join(__dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** Relative module specifiers of `import ... from`, `export ... from`, `import '...'`, `import('...')` and `require('...')`. */
function relativeImports(source: string): string[] {
  const withoutComments = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const pattern = /(?:^|[\s;])(?:import|export)\s[^'";]*?\sfrom\s*['"](\.[^'"]*)['"]|(?:^|[\s;])import\s*['"](\.[^'"]*)['"]|(?:\bimport|\brequire)\(\s*['"](\.[^'"]*)['"]\s*\)/g;
  return [...withoutComments.matchAll(pattern)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** The file a relative specifier names (a .ts file or a folder's index.ts), or undefined (e.g. package.json). */
function resolve(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => fs.existsSync(candidate));
}

const rel = (file: string): string => path.relative(SRC, file).split(path.sep).join('/');
/** The room of a file given relative to src/, e.g. `rules` for `rules/types.ts` (`index` for src/index.ts). */
const room = (file: string): string => file.split('/')[0].replace(/\.ts$/, '');

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const targets = relativeImports(fs.readFileSync(file, 'utf8'))
      .map((s) => resolve(file, s))
      .filter((t): t is string => t !== undefined && t.startsWith(SRC + path.sep));
    graph.set(rel(file), [...new Set(targets.map(rel))]);
  }
  return graph;
}

/** The import circles of a graph: its strongly connected components of more than one file, or a file importing itself. */
function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** Every file reachable from `start` through imports (start included). */
function reachable(graph: ReadonlyMap<string, readonly string[]>, start: string): Set<string> {
  const seen = new Set<string>([start]);
  const todo = [start];
  while (todo.length > 0) for (const next of graph.get(todo.pop()!) ?? []) if (!seen.has(next) && seen.add(next)) todo.push(next);
  return seen;
}

/** The rooms a room must never import, directly or through another room. */
const NEVER: Readonly<Record<string, readonly string[]>> = {
  rules: ['topology', 'constructs', 'emulator', 'cli'],
  topology: ['constructs', 'emulator', 'cli'],
  constructs: ['emulator', 'cli'],
  emulator: ['constructs', 'cli'],
  backup: ['cli'],
};

const graph = importGraph();

describe('src/ imports', () => {
  test('the scan sees the imports that matter (sanity check of the scanner)', () => {
    expect(relativeImports("import type { A } from './a';\nexport { B } from '../b';\nimport './c';\nconst d = require('./d');\n// import { x } from './commented';")).toEqual(['./a', '../b', './c', './d']);
    expect(graph.get('rules/types.ts')).toContain('rules/terraform.ts');
    expect(graph.get('emulator/proxy-main.ts')).toContain('emulator/proxy/index.ts');
    expect(room('emulator/proxy/core.ts')).toBe('emulator');
    expect(circles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
  });

  test('no import circle in src/', () => {
    expect(circles(graph)).toEqual([]);
  });

  test.each(Object.entries(NEVER))('%s imports none of %p, not even through another room', (from, forbidden) => {
    const offending = [...graph.keys()]
      .filter((file) => room(file) === from)
      .flatMap((file) => [...reachable(graph, file)].filter((target) => forbidden.includes(room(target))).map((target) => `${file} -> ${target}`));
    expect(offending).toEqual([]);
  });
});
