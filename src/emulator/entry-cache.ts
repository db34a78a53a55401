/**
 * Running the emulator's process entries from TypeScript source (this repository, tests, benchmarks) without paying
 * for ts-node in every process: each child would load the TypeScript compiler and transpile its modules again (seconds
 * of CPU per process on a busy 2-core machine, most of `amr emulate up`). Instead the parent, which runs under ts-node
 * and has the compiler loaded already, transpiles an entry and every module it imports (relative imports) once into a
 * directory keyed by their content, and the children run the JavaScript. An installed package runs lib/ and never
 * comes here. Worker-thread entries use it the same way: the export's digest thread here, and `amr check`'s key-line
 * scan thread (src/cli/inputs/key-line-thread.ts).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const SOURCE_ROOT = path.resolve(__dirname, '..');
const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)'(\.{1,2}\/[^']+)'/g;

/** The .ts file a relative specifier names (`./x` → x.ts or x/index.ts), or undefined (e.g. a JSON file). */
function resolveSource(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
}

/** The entries and every module they import by relative path, with their sources. */
function closure(entries: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    const source = fs.readFileSync(file, 'utf8');
    files.set(file, source);
    for (const match of source.matchAll(IMPORT)) {
      const target = resolveSource(file, match[1]);
      if (!target) continue; // not a TypeScript module (or a path in a comment): the child resolves it itself
      if (!target.startsWith(SOURCE_ROOT + path.sep)) throw new Error(`${path.relative(SOURCE_ROOT, file)} imports '${match[1]}' from outside src/`);
      queue.push(target);
    }
  }
  return files;
}

/**
 * The JavaScript file to run for the TypeScript entry `entry` (a file under src/), transpiled with its imports into
 * `<tmp>/amr-emulator-js/<content hash>/`. Bare imports resolve from the repository's node_modules through NODE_PATH
 * (see {@link transpiledEntryEnv}).
 */
export function transpiledEntry(entry: string): string {
  // The compiler is already loaded in a process that runs TypeScript source (ts-node).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  // Every process entry beside it (`*-main.ts`) goes into the same tree: a transpiled process starts the others by
  // name (the supervisor restarts proxies and endpoints), so they must sit beside it.
  const dir = path.dirname(path.resolve(entry));
  const siblings = fs.readdirSync(dir).filter((f) => f.endsWith('-main.ts')).map((f) => path.join(dir, f));
  const files = closure([path.resolve(entry), ...siblings]);
  const hash = createHash('sha256').update(ts.version);
  for (const [file, source] of [...files].sort(([a], [b]) => a.localeCompare(b))) hash.update(`\0${path.relative(SOURCE_ROOT, file)}\0${source}`);
  const root = path.join(os.tmpdir(), 'amr-emulator-js', hash.digest('hex').slice(0, 24));
  const target = (file: string) => path.join(root, path.relative(SOURCE_ROOT, file)).replace(/\.ts$/, '.js');
  if (!fs.existsSync(target(entry))) {
    // Written aside and renamed into place, so that emulators starting side by side never see a half-written tree.
    fs.mkdirSync(path.dirname(root), { recursive: true });
    const scratch = fs.mkdtempSync(`${root}.tmp-`);
    for (const [file, source] of files) {
      const output = ts.transpileModule(source, {
        fileName: file,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
      }).outputText;
      const out = path.join(scratch, path.relative(SOURCE_ROOT, file)).replace(/\.ts$/, '.js');
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, output);
    }
    try {
      fs.renameSync(scratch, root);
    } catch {
      fs.rmSync(scratch, { recursive: true, force: true }); // another start put the same tree in place first
    }
  }
  return target(path.resolve(entry));
}

/**
 * The JavaScript file of the process or thread entry `name` (a `*-main` module) beside the module `callerFile`: the
 * compiled file beside it, or, when the caller runs from TypeScript source, the entry transpiled by
 * {@link transpiledEntry}.
 */
export function entryScript(callerFile: string, name: string): string {
  const dir = path.dirname(callerFile);
  return callerFile.endsWith('.ts') ? transpiledEntry(path.join(dir, `${name}.ts`)) : path.join(dir, `${name}.js`);
}

/** Environment for a child running a transpiled entry: bare imports resolve from the repository's node_modules. */
export function transpiledEntryEnv(): Record<string, string> {
  const modules = path.resolve(SOURCE_ROOT, '..', 'node_modules');
  return { NODE_PATH: [modules, process.env.NODE_PATH].filter(Boolean).join(path.delimiter) };
}
