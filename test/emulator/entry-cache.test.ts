/** Process entries run from TypeScript source are transpiled once, with every module they import, into a content-keyed tree. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { transpiledEntry, transpiledEntryEnv } from '../../src/emulator/entry-cache';

const entry = path.join(__dirname, '..', '..', 'src', 'emulator', 'supervisor-main.ts');

test('an entry and its imports become JavaScript beside each other; the same sources give the same tree', () => {
  const js = transpiledEntry(entry);
  expect(js).toMatch(/amr-emulator-js[\\/][0-9a-f]{24}[\\/]emulator[\\/]supervisor-main\.js$/);
  const root = path.dirname(path.dirname(js));
  for (const module of ['emulator/supervisor.js', 'emulator/resp.js', 'emulator/processes.js']) expect(fs.existsSync(path.join(root, module))).toBe(true);
  expect(fs.readFileSync(js, 'utf8')).toContain('require("./supervisor")');
  expect(transpiledEntry(entry)).toBe(js);
});

test('the transpiled entry runs with plain node (bare imports from the repository through NODE_PATH)', () => {
  // The supervisor without a state directory: it starts, then fails with its own one-line error, not a module error.
  const run = spawnSync(process.execPath, [transpiledEntry(entry), path.join(__dirname, 'no-such-state-dir')], { encoding: 'utf8', env: { ...process.env, ...transpiledEntryEnv() }, timeout: 30000 });
  expect(run.stderr).not.toMatch(/Cannot find module/);
  expect(run.stderr).toMatch(/^supervisor: no emulator state in /);
  expect(run.status).toBe(1);
});
