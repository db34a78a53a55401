/** `amr check ... | head`: a reader that closes early ends the run quietly, never with a stack trace. */
import { spawn } from 'child_process';
import * as path from 'path';
import { CACHE_STATE, plan, workdir } from './run';

test('stdout closed by its reader (EPIPE): no stack trace, the exit code the check gives', async () => {
  // About 1 MB of JSON report: far more than a pipe holds, so the writes meet the closed end.
  const changes = Array.from({ length: 400 }, (_, i) => ({ address: `azurerm_managed_redis.c${i}`, actions: ['no-op'], before: { ...CACHE_STATE, name: `c-${i}` }, after: { ...CACHE_STATE, name: `c-${i}` } }));
  const cwd = workdir({ 'plan.json': plan(changes) });
  const child = spawn(process.execPath, [path.join(__dirname, '..', '..', 'bin', 'amr.js'), 'check', 'plan.json', '--format', 'json', '--fail-on', 'never'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.once('data', () => child.stdout.destroy()); // the reader stops after the first bytes, as `head -c 1` does
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(stderr).toBe('');
  expect(code).toBe(0);
}, 60000);
