/** LocalTargetStack as synthesized: its terraform_data resources, triggers, provisioner commands, manifests and outputs. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ClientProtocol, EvictionPolicy, GeoReplicationGroup, LocalTargetStack, ManagedRedis, PublicNetworkAccess, Sku, type ManagedRedisProps } from '../../src';
import { AmrSynthError } from '../../src/constructs/errors';
import { AMR_BIN, derivedBasePort } from '../../src/constructs/local-target';
import { shopApp, shopStack, type ShopOptions } from '../support/local-target-app';

const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** Synthesizes the shop app; returns the local stack's JSON, its output directory and the construct. */
function synthShop(options: ShopOptions = {}) {
  const outdir = tempDir('amr-local-synth-');
  const app = new App({ outdir });
  const { local } = shopApp(app, { stateDirectory: path.join(outdir, 'state'), ...options });
  app.synth();
  const dir = path.join(outdir, 'stacks', 'shop-local');
  return { json: JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')), dir, local, stateRoot: path.join(outdir, 'state') };
}

function constructionError(make: (app: App) => unknown): string {
  try {
    make(new App({ outdir: tempDir('amr-local-error-') }));
  } catch (error) {
    expect(error).toBeInstanceOf(AmrSynthError);
    return (error as Error).message;
  }
  throw new Error('expected an AmrSynthError');
}

describe('LocalTargetStack of two standalone caches', () => {
  const { json, dir, local, stateRoot } = synthShop({ basePort: 24100 });
  const data = json.resource.terraform_data;

  test('is terraform_data resources only: no provider, so terraform init works offline', () => {
    expect(Object.keys(json.resource)).toEqual(['terraform_data']);
    expect(json.provider).toBeUndefined();
    expect(json.terraform.required_providers).toBeUndefined();
    expect(Object.keys(data).sort()).toEqual(['cart-cache', 'removed_caches', 'session-cache']);
  });

  test('one more resource lists every state directory, to stop the caches later removed from the stack', () => {
    const removed = data.removed_caches;
    const dirs = [path.join(stateRoot, 'cart-cache'), path.join(stateRoot, 'session-cache')];
    expect(removed.triggers_replace).toEqual({ state_dirs: dirs });
    expect(removed.provisioner).toHaveLength(1);
    const stop = removed.provisioner[0]['local-exec'];
    expect(stop).toMatchObject({ when: 'destroy', command: '${jsonencode(self.triggers_replace.state_dirs)}' });
    expect(stop.interpreter.slice(0, 2)).toEqual([process.execPath, '-e']);
    // The script keeps this synth's directories and stops the others of the old list, with the package's amr.
    expect(stop.interpreter[2]).toContain(`new Set(${JSON.stringify(dirs)})`);
    expect(stop.interpreter[2]).toContain(`[${JSON.stringify(AMR_BIN)}, 'emulate', 'down', '--purge', '--state', dir]`);
  });

  test('each cache is brought up from its own manifest, on its endpoint port, in its own state directory', () => {
    const cart = data['cart-cache'];
    const [create, destroy] = cart.provisioner.map((p: any) => p['local-exec']);
    expect(create.interpreter).toEqual([process.execPath, AMR_BIN, 'emulate', 'up', 'amr.local.cart-cache.json', '--base-port', '24100', '--state']);
    expect(create.command).toBe(path.join(stateRoot, 'cart-cache'));
    expect(create.when).toBeUndefined();
    expect(fs.existsSync(AMR_BIN)).toBe(true);
    expect(path.isAbsolute(AMR_BIN)).toBe(true);
    const session = data['session-cache'].provisioner[0]['local-exec'];
    expect(session.interpreter.slice(4, 7)).toEqual(['amr.local.session-cache.json', '--base-port', '24101']);
    expect(session.command).toBe(path.join(stateRoot, 'session-cache'));
    // The destroy-time provisioner stops whatever the resource was created with (it may only refer to self).
    expect(destroy).toEqual({ when: 'destroy', interpreter: [process.execPath, AMR_BIN, 'emulate', 'down', '--purge', '--state'], command: '${self.triggers_replace.state_dir}' });
  });

  test('triggers_replace holds the topology hash, the endpoint port and the state directory', () => {
    expect(data['cart-cache'].triggers_replace).toEqual({ topology: expect.stringMatching(/^[0-9a-f]{64}$/), base_port: 24100, state_dir: path.join(stateRoot, 'cart-cache') });
    expect(data['session-cache'].triggers_replace.base_port).toBe(24101);
    expect(data['session-cache'].triggers_replace.topology).not.toBe(data['cart-cache'].triggers_replace.topology);
  });

  test('each unit manifest beside cdk.tf.json holds just its cache, as amr emulate reads it', () => {
    const cart = JSON.parse(fs.readFileSync(path.join(dir, 'amr.local.cart-cache.json'), 'utf8'));
    expect(cart.schemaVersion).toBe(1);
    expect(cart.stack).toBe('shop');
    expect(cart.caches.map((c: any) => c.name)).toEqual(['cart-cache']);
    expect(cart.caches[0]).toMatchObject({ clusteringPolicy: 'NoCluster', clientProtocol: 'Plaintext', accessKeysAuthentication: true, evictionPolicy: 'VolatileLRU' });
    expect(cart.geoGroups).toEqual([]);
  });

  test('outputs: per cache its endpoint, and the paths (not the contents) of its CA and secret files', () => {
    expect(json.output['cart-cache'].value).toEqual({
      endpoint: '127.0.0.1:24100',
      tls: false,
      ca_file: null,
      password_file: path.join(stateRoot, 'cart-cache', 'secrets', 'cart-cache.password'),
      token_file: null,
      state_dir: path.join(stateRoot, 'cart-cache'),
    });
    expect(json.output['session-cache'].value).toEqual({
      endpoint: '127.0.0.1:24101',
      tls: true,
      ca_file: path.join(stateRoot, 'session-cache', 'tls', 'ca.pem'),
      password_file: null,
      token_file: path.join(stateRoot, 'session-cache', 'secrets', 'session-cache.token'),
      state_dir: path.join(stateRoot, 'session-cache'),
    });
    expect(json.output['cart-cache'].sensitive).toBeUndefined();
  });

  test('the construct tells the same as the outputs', () => {
    expect(local.caches.map((c) => [c.name, c.endpoint, c.tls, c.passwordFile, c.tokenFile])).toEqual([
      ['cart-cache', '127.0.0.1:24100', false, path.join(stateRoot, 'cart-cache', 'secrets', 'cart-cache.password'), undefined],
      ['session-cache', '127.0.0.1:24101', true, undefined, path.join(stateRoot, 'session-cache', 'secrets', 'session-cache.token')],
    ]);
    expect(local.basePort).toBe(24100);
    expect(local.stateDirectory).toBe(stateRoot);
  });
});

describe('deterministic: what decides whether a deploy is a no-op', () => {
  test('the same app synthesizes the same triggers twice; a change to one cache changes only its topology hash', () => {
    const stateDirectory = tempDir('amr-local-state-');
    const triggers = (options: ShopOptions) => {
      const data = synthShop({ stateDirectory, ...options }).json.resource.terraform_data;
      return { cart: data['cart-cache'].triggers_replace, session: data['session-cache'].triggers_replace };
    };
    const first = triggers({});
    expect(triggers({})).toEqual(first);
    const changed = triggers({ cartEviction: EvictionPolicy.ALL_KEYS_LRU });
    expect(changed.cart.topology).not.toBe(first.cart.topology);
    expect(changed.cart.base_port).toBe(first.cart.base_port);
    expect(changed.session).toEqual(first.session);
  });

  test('what the emulator does not run (network access, a private endpoint) re-creates nothing; the client protocol does', () => {
    const stateDirectory = tempDir('amr-local-state-');
    const topology = (props: Partial<ManagedRedisProps>) => {
      const app = new App({ outdir: tempDir('amr-local-synth-') });
      const stack = new TerraformStack(app, 'one');
      new AzurermProvider(stack, 'azurerm', { features: [{}] });
      new ManagedRedis(stack, 'cache', { name: 'one-cache', resourceGroupName: 'rg', location: 'westeurope', sku: Sku.BALANCED_B5, ...props });
      const local = new LocalTargetStack(app, 'one-local', { stack, stateDirectory });
      return JSON.parse(JSON.stringify(local.toTerraform())).resource.terraform_data['one-cache'].triggers_replace.topology;
    };
    const first = topology({});
    expect(topology({ publicNetworkAccess: PublicNetworkAccess.ENABLED, privateEndpointSubnetId: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/cache' })).toBe(first);
    expect(topology({ clientProtocol: ClientProtocol.PLAINTEXT })).not.toBe(first);
  });

  test('without basePort, the port comes from the state directory: same directory, same port, in [20000, 31000) by 32', () => {
    const stateDirectory = tempDir('amr-local-state-');
    const { local, json } = synthShop({ stateDirectory });
    const port = derivedBasePort(stateDirectory);
    expect(local.basePort).toBe(port);
    expect(port).toBeGreaterThanOrEqual(20000);
    expect(port).toBeLessThan(31000);
    expect((port - 20000) % 32).toBe(0);
    expect(derivedBasePort(path.join(stateDirectory, '.'))).toBe(port);
    expect(json.output['cart-cache'].value.endpoint).toBe(`127.0.0.1:${port}`);
    // Distinct directories spread over the range (they would collide in one slot only by chance, 1 in 343).
    const ports = new Set(Array.from({ length: 20 }, (_, i) => derivedBasePort(path.join(stateDirectory, `app-${i}`))));
    expect(ports.size).toBeGreaterThan(15);
  });

  test('the default state directory is .amr/<stack id> under the directory the app runs in', () => {
    const app = new App({ outdir: tempDir('amr-local-default-') });
    const local = new LocalTargetStack(app, 'shop-local', { stack: shopStack(app) });
    expect(local.stateDirectory).toBe(path.resolve('.amr', 'shop-local'));
    expect(local.caches[0].stateDirectory).toBe(path.resolve('.amr', 'shop-local', 'cart-cache'));
  });
});

describe('a geo-replication group comes up as one unit', () => {
  const outdir = tempDir('amr-local-geo-');
  const app = new App({ outdir });
  const source = new TerraformStack(app, 'global');
  new AzurermProvider(source, 'azurerm', { features: [{}] });
  new ManagedRedis(source, 'audit', { name: 'audit-cache', resourceGroupName: 'rg', location: 'westeurope', sku: Sku.BALANCED_B5 });
  new GeoReplicationGroup(source, 'sessions', { groupName: 'sessions-geo', resourceGroupName: 'rg', sku: Sku.BALANCED_B5, members: [{ location: 'westeurope' }, { location: 'northeurope' }] });
  const local = new LocalTargetStack(app, 'global-local', { stack: source, basePort: 25000, stateDirectory: path.join(outdir, 'state') });
  app.synth();
  const dir = path.join(outdir, 'stacks', 'global-local');
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));

  test('one terraform_data for the standalone cache and one for the whole group', () => {
    expect(Object.keys(json.resource.terraform_data).sort()).toEqual(['audit-cache', 'geo-sessions-geo', 'removed_caches']);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'amr.local.geo-sessions-geo.json'), 'utf8'));
    expect(manifest.caches.map((c: any) => c.name)).toEqual(['sessions-geo-westeurope', 'sessions-geo-northeurope']);
    expect(manifest.geoGroups).toHaveLength(1);
    expect(manifest.geoGroups[0].members).toEqual(manifest.caches.map((c: any) => c.address));
  });

  test('ports follow the manifest order; the group members share a state directory', () => {
    expect(local.caches.map((c) => [c.name, c.port])).toEqual([
      ['audit-cache', 25000],
      ['sessions-geo-westeurope', 25001],
      ['sessions-geo-northeurope', 25002],
    ]);
    const group = json.resource.terraform_data['geo-sessions-geo'];
    expect(group.triggers_replace.base_port).toBe(25001);
    expect(new Set(local.caches.slice(1).map((c) => c.stateDirectory))).toEqual(new Set([path.join(outdir, 'state', 'geo-sessions-geo')]));
    expect(json.output['sessions-geo-northeurope'].value.endpoint).toBe('127.0.0.1:25002');
  });
});

describe('mistakes are one clear error each, all at once', () => {
  test('a stack without caches and a basePort out of range', () => {
    const message = constructionError((app) => {
      const empty = new TerraformStack(app, 'empty');
      new LocalTargetStack(app, 'empty-local', { stack: empty, basePort: 80 });
    });
    expect(message.split('\n')).toEqual([
      expect.stringMatching(/^\[empty-local\] local target: stack 'empty' has no azurerm_managed_redis .*\(fix: /),
      expect.stringMatching(/^\[empty-local\] local target: basePort 80 is not a whole number from 1024 to 65535 .*\(fix: /),
    ]);
  });

  test('a basePort that leaves no room for every endpoint', () => {
    const message = constructionError((app) => new LocalTargetStack(app, 'shop-local', { stack: shopStack(app), basePort: 65535 }));
    expect(message).toMatch(/^\[shop-local\] local target: basePort 65535 is not a whole number from 1024 to 65534 \(the 2 cache endpoints take basePort to basePort \+ 1\)/);
  });

  test('the local target of a local target', () => {
    const message = constructionError((app) => {
      const { local } = shopApp(app);
      new LocalTargetStack(app, 'again', { stack: local });
    });
    expect(message).toBe("[again] local target: stack 'shop-local' is itself a local target (fix: pass the stack that holds the caches)");
  });

  test('a cache added to the source after the local target was created fails the synth', () => {
    const app = new App({ outdir: tempDir('amr-local-late-') });
    const { shop } = shopApp(app);
    new ManagedRedis(shop, 'late', { name: 'late-cache', resourceGroupName: 'rg', location: 'westeurope', sku: Sku.BALANCED_B0, highAvailability: false });
    expect(() => app.synth()).toThrow(/local target: the caches of stack 'shop' changed after its local target was created \(then cart-cache, session-cache; at synth cart-cache, session-cache, late-cache\) \(fix: create the LocalTargetStack after every cache of 'shop'\)/);
  });
});
