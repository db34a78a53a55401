/**
 * `amr verify` against the emulator's control plane, which serves the GET shapes of the service
 * (Microsoft.Cache/redisEnterprise/{name} and .../databases/default, api-version 2025-07-01): the production example
 * passes when emulated as synthesized, reports AMR-RUN-001 when its zones are lowered (`up --zones 1`: redundancyMode
 * LR), and reports drift when the stack declares something the deployed cache does not have.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ProductionStack } from '../../examples/production/stack';
import { main } from '../../src/cli/main';
import { API_VERSION } from '../../src/emulator/control-plane';
import { down, up } from '../../src/emulator/emulator';
import { isAlive } from '../../src/emulator/processes';
import { readState, trackedPids } from '../../src/emulator/state';
import { synthesizeStack } from '../support/synth';

jest.setTimeout(180000);

const stackDir = synthesizeStack('production', (app, id) => new ProductionStack(app, id));
const CACHE = 'orders-cache-prod';

async function amr(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { cwd: process.cwd(), stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: async () => '', isTty: false });
  return { code, stdout, stderr };
}

/** Runs the emulator for the tests of one describe block and stops every process it started, by PID. */
function emulated(options: { zones?: number }): { stateDir: string } {
  const holder = { stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'amr-verify-state-')) };
  let pids: number[] = [];
  beforeAll(async () => {
    await up({ source: stackDir, stateDir: holder.stateDir, shards: 1, profile: 'fast', zones: options.zones });
    pids = trackedPids(readState(holder.stateDir)!);
  });
  afterAll(async () => {
    const state = readState(holder.stateDir);
    await down({ stateDir: holder.stateDir });
    expect([...pids, ...(state ? trackedPids(state) : [])].filter(isAlive)).toEqual([]);
    fs.rmSync(holder.stateDir, { recursive: true, force: true });
  });
  return holder;
}

describe('a healthy emulated cache', () => {
  const emulator = emulated({});

  test('the control plane serves the cluster and database as the service does, with redundancyMode ZR', async () => {
    const plane = readState(emulator.stateDir)!.services!.controlPlane!;
    const id = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-orders-prod/providers/Microsoft.Cache/redisEnterprise/${CACHE}`;
    const get = async (suffix: string) => (await fetch(`${plane.url}${id}${suffix}?api-version=${API_VERSION}`, { headers: { Authorization: `Bearer ${plane.token}` } })).json();
    expect(await get('')).toMatchObject({
      id,
      name: CACHE,
      type: 'Microsoft.Cache/redisEnterprise',
      location: 'westeurope',
      sku: { name: 'Balanced_B10' },
      zones: ['1', '2', '3'],
      properties: { highAvailability: 'Enabled', redundancyMode: 'ZR', provisioningState: 'Succeeded', resourceState: 'Running', minimumTlsVersion: '1.2', publicNetworkAccess: 'Disabled' },
    });
    expect(await get('/databases/default')).toMatchObject({
      id: `${id}/databases/default`,
      type: 'Microsoft.Cache/redisEnterprise/databases',
      properties: { clientProtocol: 'Encrypted', clusteringPolicy: 'EnterpriseCluster', evictionPolicy: 'VolatileLRU', accessKeysAuthentication: 'Disabled', persistence: { rdbEnabled: true, rdbFrequency: '1h', aofEnabled: false } },
    });
  });

  test('amr verify passes it (exit 0), locating it through the stack\'s resource group reference', async () => {
    const run = await amr(['verify', stackDir, '--state', emulator.stateDir]);
    expect(run).toEqual({ code: 0, stdout: `${CACHE} (production): ok\n`, stderr: '' });
  });

  test('a stack that declares another eviction policy and persistence than deployed: drift of each, exit 1', async () => {
    const drifted = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-verify-drift-'));
    const json = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
    const cache: any = Object.values(json.resource.azurerm_managed_redis)[0];
    cache.default_database.eviction_policy = 'AllKeysLRU';
    cache.default_database.persistence_redis_database_backup_frequency = '6h';
    fs.writeFileSync(path.join(drifted, 'cdk.tf.json'), JSON.stringify(json));
    const run = await amr(['verify', path.join(drifted, 'cdk.tf.json'), '--state', emulator.stateDir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${CACHE} (production): 2 problem(s)`);
    expect(run.stdout).toContain('FAIL drift: default_database.eviction_policy drifted: the stack declares AllKeysLRU, the deployed cache has VolatileLRU');
    expect(run.stdout).toContain('FAIL drift: default_database.persistence_redis_database_backup_frequency drifted: the stack declares 6h, the deployed cache has 1h');
    fs.rmSync(drifted, { recursive: true, force: true });
  });

  test('a cache the control plane does not have: one failing line, exit 1; --cache selects; no emulator: exit 2 with one line', async () => {
    const ghost = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-verify-ghost-'));
    const json = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
    (Object.values(json.resource.azurerm_managed_redis)[0] as any).name = 'ghost-cache';
    fs.writeFileSync(path.join(ghost, 'cdk.tf.json'), JSON.stringify(json));
    const run = await amr(['verify', path.join(ghost, 'cdk.tf.json'), '--state', emulator.stateDir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^ghost-cache \(production\): 1 problem\(s\)\n {2}FAIL drift: GET \/subscriptions\/.*\/redisEnterprise\/ghost-cache answered 404 ResourceNotFound: .* \(is it deployed\?\)\n$/);
    fs.rmSync(ghost, { recursive: true, force: true });
    expect(await amr(['verify', stackDir, '--state', emulator.stateDir, '--cache', 'nope'])).toEqual({ code: 0, stdout: 'no azurerm_managed_redis in the input\n', stderr: '' });
    const none = await amr(['verify', stackDir, '--state', path.join(os.tmpdir(), 'amr-verify-no-such-state')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^amr verify: no running emulator control plane in '.*' \(fix: /);
  });
});

describe('an emulated cache whose zones were lowered (amr emulate up --zones 1)', () => {
  const emulator = emulated({ zones: 1 });

  test('amr verify reports AMR-RUN-001: redundancyMode LR, exit 1', async () => {
    const run = await amr(['verify', stackDir, '--state', emulator.stateDir, '--json']);
    expect(run.code).toBe(1);
    const [result] = JSON.parse(run.stdout);
    expect(result.cache).toBe(CACHE);
    expect(result.checks.filter((c: any) => c.status === 'fail')).toEqual([
      expect.objectContaining({ id: 'AMR-RUN-001', attribute: 'redundancyMode', message: expect.stringContaining('reports redundancyMode LR (expected ZR') }),
    ]);
    const text = await amr(['verify', stackDir, '--state', emulator.stateDir]);
    expect(text.stdout).toContain(`${CACHE} (production): 1 problem(s)\n  FAIL AMR-RUN-001: '${CACHE}' reports redundancyMode LR`);
  });
});

describe('amr emulate up --zones validates its value', () => {
  test('--zones 4 is a usage error, exit 2, one line', async () => {
    const run = await amr(['emulate', 'up', stackDir, '--zones', '4', '--state', path.join(os.tmpdir(), 'amr-verify-unused')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('amr emulate up: --zones must be 1, 2 or 3 (fewer than 3 runs zone-redundant caches in one zone: redundancyMode LR)\n');
  });
});
