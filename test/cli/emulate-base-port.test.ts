/**
 * `amr emulate up --base-port N`, which the local target passes: a bad value or a taken port is one line and exit 2,
 * before any process starts. (That the i-th cache then answers on N + i is tested through `cdktf deploy` in
 * test/local-target/deploy.test.ts.)
 */
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { freePort } from '../../src/emulator/ports';
import { readState } from '../../src/emulator/state';
import { shopApp } from '../support/local-target-app';
import { amr } from './run';

/** The shop's two caches as one manifest (the source stack's amr.topology.json). */
function shopManifest(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-base-port-'));
  const app = new App({ outdir });
  shopApp(app, { stateDirectory: path.join(outdir, 'state') });
  app.synth();
  return path.join(outdir, 'stacks', 'shop', 'amr.topology.json');
}

describe('amr emulate up --base-port', () => {
  const manifest = shopManifest();

  test.each(['80', '65536', '2.5', 'x'])('--base-port %s is a usage error', async (value) => {
    const run = await amr(['emulate', 'up', manifest, '--base-port', value]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('amr emulate up: --base-port must be a whole number from 1024 to 65535 (the first cache\'s endpoint port)');
  });

  test('a taken endpoint port is named, with the fix, and nothing is started', async () => {
    const port = await freePort();
    const server = net.createServer().listen(port + 1, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const state = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-base-port-state-'));
    try {
      const run = await amr(['emulate', 'up', manifest, '--state', state, '--base-port', String(port)]);
      expect(run.code).toBe(2);
      expect(run.stderr.trim()).toBe(`amr emulate up: endpoint port ${port + 1} is taken by another process (fix: pass --base-port N with 2 free port(s) from N, or stop what listens on ${port + 1})`);
      expect(readState(state)).toBeUndefined();
    } finally {
      server.close();
    }
  });

  test('no room below 65536 for every cache endpoint', async () => {
    const run = await amr(['emulate', 'up', manifest, '--state', fs.mkdtempSync(path.join(os.tmpdir(), 'amr-base-port-state-')), '--base-port', '65535']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('amr emulate up: --base-port 65535 leaves no room for 2 endpoint(s) below 65536 (fix: a lower --base-port)');
  });
});
