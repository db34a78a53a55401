/**
 * The cdktn package from its tarball, as a team starting on CDK Terrain uses it: scripts/build-cdktn.js packs
 * @amr-reliability/cdktn-managed-redis, a fresh app installs it beside cdktn, cdktn-cli, @cdktn/provider-azurerm and
 * constructs, `npx cdktn synth` synthesizes a production cache and a three-region group on azurerm 4.73 (offline),
 * and the installed `amr check` passes the output.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import { freshAppWithPackedPackage } from '../support/cdktf-deploy';

const execFileAsync = promisify(execFile);
const NODE_20_SHIM = path.join(__dirname, '..', 'support', 'cdktn-cli-node20.js');
/** Offline, no prompts or colours; on Node before 22 with the stand-in test/support/cdktn-cli-node20.js explains. */
const OFFLINE = {
  ...process.env,
  CHECKPOINT_DISABLE: '1',
  CI: '1',
  FORCE_COLOR: '0',
  ...(Number(process.versions.node.split('.')[0]) < 22 ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=4096 --require ${NODE_20_SHIM}`.trim() } : {}),
};

/** `npx --offline <args>` in the app; resolves with the exit code and output, never throws. */
async function npx(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync('npx', ['--offline', ...args], { cwd, env: OFFLINE, timeout: 240000, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error: any) {
    return { code: typeof error.code === 'number' ? error.code : 1, stdout: String(error.stdout ?? ''), stderr: String(error.stderr ?? error.message) };
  }
}

/** The fresh app's main.js, written as a user writes it against the cdktn package. */
const MAIN_JS = `
const { App, TerraformStack } = require('cdktn');
const { AzurermProvider } = require('@cdktn/provider-azurerm/lib/provider');
const { GeoReplicationGroup, ManagedRedis, Sku } = require('@amr-reliability/cdktn-managed-redis');

const APP_OBJECT_ID = '11111111-2222-3333-4444-555555555555';
const app = new App();
const stack = new TerraformStack(app, 'production');
new AzurermProvider(stack, 'azurerm', { features: [{}] });
new ManagedRedis(stack, 'orders', {
  name: 'orders-cache',
  resourceGroupName: 'rg-orders',
  location: 'westeurope',
  sku: Sku.BALANCED_B10,
  zoneRedundant: true,
  accessPolicyAssignments: [{ objectId: APP_OBJECT_ID }],
});
new GeoReplicationGroup(stack, 'sessions', {
  groupName: 'sessions-geo',
  resourceGroupName: 'rg-sessions',
  sku: Sku.BALANCED_B10,
  zoneRedundant: true,
  members: [{ location: 'westeurope' }, { location: 'northeurope' }, { location: 'swedencentral' }],
  accessPolicyAssignments: [{ objectId: APP_OBJECT_ID }],
});
app.synth();
`;

describe('the cdktn package in a fresh cdktn app', () => {
  let app: string;
  let installed: string;

  beforeAll(async () => {
    ({ app, installed } = await freshAppWithPackedPackage('cdktn'));
    fs.writeFileSync(path.join(app, 'main.js'), MAIN_JS);
    fs.writeFileSync(path.join(app, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: 'node main.js', sendCrashReports: 'false', terraformProviders: [], terraformModules: [] }));
  }, 240000);

  afterAll(() => {
    if (app) fs.rmSync(app, { recursive: true, force: true });
  });

  test('the tarball holds the compiled library on cdktn, the function bundle and the amr command, and declares cdktn as a peer', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    expect(manifest.name).toBe('@amr-reliability/cdktn-managed-redis');
    expect(manifest.bin).toEqual({ amr: 'bin/amr.js' });
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['@cdktn/provider-azurerm', 'cdktn', 'constructs']);
    expect(Object.keys(manifest.dependencies)).not.toEqual(expect.arrayContaining(['cdktf']));
    expect(fs.existsSync(path.join(installed, 'lib', 'backup', 'function.bundle.js'))).toBe(true);
    expect(fs.existsSync(path.join(installed, 'src'))).toBe(false);
    const platform = fs.readFileSync(path.join(installed, 'lib', 'constructs', 'platform.js'), 'utf8');
    expect(platform).toContain('require("cdktn")');
    expect(platform).not.toMatch(/require\("cdktf|@cdktf\/provider-azurerm/);
  });

  test('the installed package states its flavor and the azurerm version it brings', async () => {
    const { stdout } = await execFileAsync(process.execPath, ['-p', "JSON.stringify(require('@amr-reliability/cdktn-managed-redis').PLATFORM)"], { cwd: app });
    expect(JSON.parse(stdout)).toEqual(expect.objectContaining({ flavor: 'cdktn', providerPackage: '@cdktn/provider-azurerm', providerVersion: '4.73.0' }));
  });

  test('npx cdktn synth writes a three-member group with no azapi resource on azurerm 4.73, and the installed amr check passes it', async () => {
    const synth = await npx(app, ['cdktn', 'synth', '--no-color']);
    // cdktn-cli prints a usage error on Node before 22 ("Node.js version ... is not supported") and goes on.
    expect({ code: synth.code, stderr: synth.stderr.slice(-3000) }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(synth.stdout).toContain('Generated Terraform code for the stacks: production');
    const stackDir = path.join(app, 'cdktf.out', 'stacks', 'production');
    const json = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
    expect(json.terraform.required_providers.azurerm.version).toBe('4.73.0');
    expect(Object.keys(json.resource.azurerm_managed_redis)).toHaveLength(4);
    const [group] = Object.values<any>(json.resource.azurerm_managed_redis_geo_replication);
    expect(group.linked_managed_redis_ids).toHaveLength(2);
    expect(Object.keys(json.resource).filter((type) => type.startsWith('azapi_'))).toEqual([]);
    expect(json.terraform.required_providers.azapi).toBeUndefined();
    expect(Object.keys(json.resource.azurerm_managed_redis_access_policy_assignment)).toHaveLength(4);
    expect(fs.existsSync(path.join(stackDir, 'amr.topology.json'))).toBe(true);

    const check = await npx(app, ['amr', 'check', 'cdktf.out']);
    expect(check.stdout).toContain("Provider: azurerm 4.73.0 (pinned by '4.73.0')");
    expect(check.stdout).toMatch(/\n0 errors, \d+ warnings, 0 unknown/);
    expect(check.stdout).not.toContain('AMR-GRP-009');
    expect(check.code).toBe(0);
    // The same output judged at azurerm 4.55 (the cdktf flavor's) fails GRP-009: the group relies on 4.61's linking.
    const at455 = await npx(app, ['amr', 'check', 'cdktf.out', '--provider-version', '4.55.0']);
    expect(at455.stdout).toMatch(/^error AMR-GRP-009 \[production\/sessions\/Link\].*a group of 3 members on azurerm 4\.55\.0 fails to link in one call/m);
    expect(at455.code).toBe(1);
  }, 300000);
});
