/**
 * `cdktf deploy` / `cdktf destroy` of a local target, for real: cdktf-cli, the machine's terraform (offline: the stack
 * is terraform_data only) and the emulator's processes. One app in a temporary directory (test/support/local-target-app.ts,
 * run from source), deployed four times in order: up, unchanged, one cache changed, destroyed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { down, status } from '../../src/emulator/emulator';
import { canBind } from '../../src/emulator/ports';
import { allAlive, cdktfOk, connect, noneAlive, pidsOf, readOutputs, requireTerraform, ROOT, type CacheOutput } from '../support/cdktf-deploy';

jest.setTimeout(300000);

/** Two consecutive free ports for the two endpoints (the test runs beside other emulators on a shared machine). */
async function freeBasePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 5000) * 2;
    if ((await canBind(port)) && (await canBind(port + 1))) return port;
  }
  throw new Error('no two consecutive free ports between 20000 and 30000');
}

describe('cdktf deploy and destroy of a local target', () => {
  const app = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-local-deploy-'));
  const outputsFile = path.join(app, 'outputs.json');
  const env: Record<string, string> = { TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') };
  let outputs: Record<string, CacheOutput> = {};
  const pids: Record<string, number[]> = {};
  const everyPid = new Set<number>();
  const record = (name: string) => {
    pids[name] = pidsOf(outputs[name].state_dir);
    pids[name].forEach((pid) => everyPid.add(pid));
    return pids[name];
  };

  beforeAll(async () => {
    requireTerraform();
    env.AMR_TEST_BASE_PORT = String(await freeBasePort());
    const tsNode = require.resolve('ts-node/register/transpile-only');
    const main = path.join(ROOT, 'test', 'support', 'local-target-app.ts');
    fs.writeFileSync(path.join(app, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: `"${process.execPath}" -r "${tsNode}" "${main}"`, sendCrashReports: 'false', terraformProviders: [], terraformModules: [] }));
  });

  afterAll(async () => {
    // Whatever a failed test left running: stop it through its state, then by PID.
    for (const output of Object.values(outputs)) await down({ stateDir: output.state_dir }).catch(() => undefined);
    for (const pid of everyPid) if (!noneAlive([pid])) process.kill(pid, 'SIGKILL');
  });

  test('deploy brings every cache up; a stock ioredis client reaches each output endpoint with the output credentials', async () => {
    const run = await cdktfOk(app, ['deploy', 'shop-local', '--auto-approve', '--outputs-file', outputsFile], env);
    expect(run.output).toMatch(/Apply complete! Resources: 2 added, 0 changed, 0 destroyed/);
    outputs = readOutputs(outputsFile, 'shop-local');
    expect(Object.keys(outputs).sort()).toEqual(['cart-cache', 'session-cache']);
    const base = Number(env.AMR_TEST_BASE_PORT);
    expect(outputs['cart-cache'].endpoint).toBe(`127.0.0.1:${base}`);
    expect(outputs['session-cache'].endpoint).toBe(`127.0.0.1:${base + 1}`);
    for (const [name, output] of Object.entries(outputs)) {
      expect(allAlive(record(name))).toBe(true);
      const cache = (await status(output.state_dir)).caches.find((c) => c.name === name)!;
      expect(cache.health).toBe('healthy');
      const { client } = connect(output, cache as { password: string | null; caFile?: string | null });
      try {
        await client.connect();
        await client.set(`deployed:${name}`, 'yes');
        expect(await client.get(`deployed:${name}`)).toBe('yes');
      } finally {
        client.disconnect();
      }
    }
  });

  test('a second deploy with no change is a no-op: nothing replaced, the same processes', async () => {
    const run = await cdktfOk(app, ['deploy', 'shop-local', '--auto-approve'], env);
    expect(run.output).toMatch(/No changes\. Your infrastructure matches the configuration\./);
    expect(run.output).not.toMatch(/Destroying\.\.\.|Creating\.\.\./);
    for (const name of Object.keys(outputs)) {
      expect(pidsOf(outputs[name].state_dir)).toEqual(pids[name]);
      expect(allAlive(pids[name])).toBe(true);
    }
  });

  test('a change to one cache re-creates that cache only', async () => {
    const run = await cdktfOk(app, ['deploy', 'shop-local', '--auto-approve'], { ...env, AMR_TEST_CART_EVICTION: 'AllKeysLRU' });
    expect(run.output).toMatch(/terraform_data\.cart-cache.* must be replaced/);
    expect(run.output).toMatch(/Apply complete! Resources: 1 added, 0 changed, 1 destroyed/);
    expect(noneAlive(pids['cart-cache'])).toBe(true);
    const before = pids['cart-cache'];
    expect(allAlive(record('cart-cache'))).toBe(true);
    expect(pids['cart-cache']).not.toEqual(before);
    const cart = (await status(outputs['cart-cache'].state_dir)).caches[0];
    expect(cart.health).toBe('healthy');
    const { readState } = await import('../../src/emulator/state');
    expect(readState(outputs['cart-cache'].state_dir)!.caches[0].settings['maxmemory-policy']).toBe('allkeys-lru');
    // The other cache kept its processes (and its data).
    expect(pidsOf(outputs['session-cache'].state_dir)).toEqual(pids['session-cache']);
    expect(allAlive(pids['session-cache'])).toBe(true);
  });

  test('destroy stops every process and removes the state directories', async () => {
    const run = await cdktfOk(app, ['destroy', 'shop-local', '--auto-approve', '--skip-synth'], { ...env, AMR_TEST_CART_EVICTION: 'AllKeysLRU' });
    expect(run.output).toMatch(/Destroy complete! Resources: 2 destroyed/);
    expect([...everyPid].length).toBeGreaterThan(4);
    expect(noneAlive([...everyPid])).toBe(true);
    for (const output of Object.values(outputs)) expect(fs.existsSync(output.state_dir)).toBe(false);
  });
});
