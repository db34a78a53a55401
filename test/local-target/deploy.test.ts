/**
 * `cdktf deploy` / `cdktf destroy` of a local target, for real and as a user gets it: the package from `npm pack`,
 * installed in a fresh app, the app's own main.js, cdktf-cli, the machine's terraform (offline: the local stack is
 * terraform_data only) and the emulator's processes. Deployed in order: up, unchanged, one cache changed, one cache
 * removed, destroyed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { down, status } from '../../src/emulator/emulator';
import { canBind } from '../../src/emulator/ports';
import { readState } from '../../src/emulator/state';
import { allAlive, cdktfOk, connect, freshAppWithPackedPackage, noneAlive, pidsOf, readOutputs, requireTerraform, type CacheOutput } from '../support/cdktf-deploy';

jest.setTimeout(300000);

/** The fresh app's main.js: the shop of test/support/local-target-app.ts, written as a user writes it, against the package. */
const MAIN_JS = `
const { App, TerraformStack } = require('cdktf');
const { AzurermProvider } = require('@cdktf/provider-azurerm/lib/provider');
const { LocalTargetStack, ManagedRedis, Sku, setProfile } = require('@amr-reliability/cdktf-managed-redis');

const app = new App();
const shop = new TerraformStack(app, 'shop');
setProfile(shop, 'dev');
new AzurermProvider(shop, 'azurerm', { features: [{}] });
const small = { resourceGroupName: 'rg-shop', location: 'westeurope', sku: Sku.BALANCED_B0, highAvailability: false, zoneRedundant: false, clusteringPolicy: 'NoCluster' };
new ManagedRedis(shop, 'cart', { ...small, name: 'cart-cache', accessKeysAuthentication: true, clientProtocol: 'Plaintext', evictionPolicy: process.env.AMR_TEST_CART_EVICTION || 'VolatileLRU' });
if (!process.env.AMR_TEST_WITHOUT_SESSIONS) new ManagedRedis(shop, 'sessions', { ...small, name: 'session-cache' });
new LocalTargetStack(app, 'shop-local', { stack: shop, basePort: Number(process.env.AMR_TEST_BASE_PORT) });
app.synth();
`;

/** Two consecutive free ports for the two endpoints (the test runs beside other emulators on a shared machine). */
async function freeBasePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 5000) * 2;
    if ((await canBind(port)) && (await canBind(port + 1))) return port;
  }
  throw new Error('no two consecutive free ports between 20000 and 30000');
}

describe('cdktf deploy and destroy of a local target, from a fresh app that installs the packed package', () => {
  let app = '';
  const env: Record<string, string> = {};
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
    app = (await freshAppWithPackedPackage()).app;
    fs.writeFileSync(path.join(app, 'main.js'), MAIN_JS);
    fs.writeFileSync(path.join(app, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: 'node main.js', sendCrashReports: 'false', terraformProviders: [], terraformModules: [] }));
    env.AMR_TEST_BASE_PORT = String(await freeBasePort());
  });

  afterAll(async () => {
    // Whatever a failed test left running: stop it through its state, then by PID.
    for (const output of Object.values(outputs)) await down({ stateDir: output.state_dir }).catch(() => undefined);
    for (const pid of everyPid) if (!noneAlive([pid])) process.kill(pid, 'SIGKILL');
  });

  test('deploy brings every cache up with the installed amr; a stock ioredis client reaches each output endpoint with the output credentials', async () => {
    const outputsFile = path.join(app, 'outputs.json');
    const run = await cdktfOk(app, ['deploy', 'shop-local', '--auto-approve', '--outputs-file', outputsFile], env);
    expect(run.output).toMatch(/Apply complete! Resources: 3 added, 0 changed, 0 destroyed/);
    // The provisioners ran the package the app installed, compiled (not this repository's source).
    const installedAmr = path.join(app, 'node_modules', '@amr-reliability', 'cdktf-managed-redis', 'bin', 'amr.js');
    expect(run.output).toContain(`"${installedAmr}" "emulate" "up" "amr.local.cart-cache.json"`);
    expect(fs.existsSync(path.join(path.dirname(installedAmr), '..', 'src'))).toBe(false);

    outputs = readOutputs(outputsFile, 'shop-local');
    expect(Object.keys(outputs).sort()).toEqual(['cart-cache', 'session-cache']);
    const base = Number(env.AMR_TEST_BASE_PORT);
    expect(outputs['cart-cache']).toMatchObject({ endpoint: `127.0.0.1:${base}`, tls: false, ca_file: null, token_file: null });
    expect(outputs['session-cache']).toMatchObject({ endpoint: `127.0.0.1:${base + 1}`, tls: true, password_file: null });
    for (const [name, output] of Object.entries(outputs)) {
      // State lives under the app's directory, where cdktf ran the app.
      expect(output.state_dir).toBe(path.join(fs.realpathSync(app), '.amr', 'shop-local', name));
      expect(allAlive(record(name))).toBe(true);
      const cache = (await status(output.state_dir)).caches.find((c) => c.name === name)!;
      expect(cache.health).toBe('healthy');
      const { client } = connect(output, cache);
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
    const before = pids['cart-cache'];
    expect(noneAlive(before)).toBe(true);
    expect(allAlive(record('cart-cache'))).toBe(true);
    expect(pids['cart-cache']).not.toEqual(before);
    expect((await status(outputs['cart-cache'].state_dir)).caches[0].health).toBe('healthy');
    expect(readState(outputs['cart-cache'].state_dir)!.caches[0].settings['maxmemory-policy']).toBe('allkeys-lru');
    // The other cache kept its processes.
    expect(pidsOf(outputs['session-cache'].state_dir)).toEqual(pids['session-cache']);
    expect(allAlive(pids['session-cache'])).toBe(true);
  });

  test('a cache removed from the stack is stopped (Terraform runs no destroy step of a removed resource)', async () => {
    const run = await cdktfOk(app, ['deploy', 'shop-local', '--auto-approve'], { ...env, AMR_TEST_CART_EVICTION: 'AllKeysLRU', AMR_TEST_WITHOUT_SESSIONS: '1' });
    expect(run.output).toMatch(/Apply complete! Resources: 1 added, 0 changed, 2 destroyed/);
    expect(noneAlive(pids['session-cache'])).toBe(true);
    expect(fs.existsSync(outputs['session-cache'].state_dir)).toBe(false);
    expect(pidsOf(outputs['cart-cache'].state_dir)).toEqual(pids['cart-cache']);
    expect(allAlive(pids['cart-cache'])).toBe(true);
  });

  test('destroy stops every process and removes the state directories', async () => {
    const run = await cdktfOk(app, ['destroy', 'shop-local', '--auto-approve', '--skip-synth'], { ...env, AMR_TEST_CART_EVICTION: 'AllKeysLRU', AMR_TEST_WITHOUT_SESSIONS: '1' });
    expect(run.output).toMatch(/Destroy complete! Resources: 2 destroyed/);
    expect(everyPid.size).toBeGreaterThan(4);
    expect(noneAlive([...everyPid])).toBe(true);
    for (const output of Object.values(outputs)) expect(fs.existsSync(output.state_dir)).toBe(false);
  });
});
