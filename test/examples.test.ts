/**
 * Each example synthesizes from its own folder, as a user would run it; the invalid one must fail cleanly. Jest's
 * cdktn project runs this file too: the examples then run on CDK Terrain and azurerm 4.73 (test/support/cdktn-register.js).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PLATFORM } from '../src/constructs/platform';

const ROOT = path.resolve(__dirname, '..');
const TS_NODE = path.join(ROOT, 'node_modules', '.bin', 'ts-node');
const CDKTN = PLATFORM.flavor === 'cdktn';
/** On the cdktn flavor the example's process maps cdktf, its provider and ./platform to cdktn's, as jest does here. */
const FLAVOR_ARGS = CDKTN ? ['-r', path.join(ROOT, 'test', 'support', 'cdktn-register.js')] : [];

/**
 * The access policy assignments of a stack, as cache ID and object ID: `azapi_resource` on the database on azurerm
 * 4.55 (which also has the assignment's name), `azurerm_managed_redis_access_policy_assignment` from 4.60.
 */
function assignmentsOf(json: any): Array<{ cacheId: string; objectId: string; name?: string }> {
  if (PLATFORM.capabilities.accessPolicyAssignmentResource) {
    expect(json.resource.azapi_resource).toBeUndefined();
    return Object.values<any>(json.resource.azurerm_managed_redis_access_policy_assignment).map((a) => ({ cacheId: a.managed_redis_id, objectId: a.object_id }));
  }
  return Object.values<any>(json.resource.azapi_resource).map((a) => {
    expect(a).toEqual(expect.objectContaining({ type: 'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments@2025-07-01', body: { properties: { accessPolicyName: 'default', user: { objectId: a.body.properties.user.objectId } } } }));
    return { cacheId: a.parent_id.replace(/\/databases\/default$/, ''), objectId: a.body.properties.user.objectId, name: a.name };
  });
}

function synthExample(name: string) {
  const dir = path.join(ROOT, 'examples', name);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `amr-example-${name}-`));
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
  delete env.JEST_WORKER_ID; // run as a user's synth would, outside jest
  const run = spawnSync(TS_NODE, [...FLAVOR_ARGS, '--transpile-only', 'main.ts'], { cwd: dir, encoding: 'utf8', env });
  return { ...run, outdir };
}

describe('examples', () => {
  test('production synthesizes with no findings to report, and writes the manifest beside cdk.tf.json', () => {
    const run = synthExample('production');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const stackDir = path.join(run.outdir, 'stacks', 'production');
    const json = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
    const cache: any = Object.values(json.resource.azurerm_managed_redis)[0];
    expect(cache.high_availability_enabled).toBe(true);
    expect(cache.public_network_access).toBe('Disabled');
    for (const field of ['access_keys_authentication_enabled', 'client_protocol', 'clustering_policy', 'eviction_policy']) {
      expect(cache.default_database).toHaveProperty(field);
    }
    expect(json.resource.azurerm_private_endpoint).toBeDefined();
    expect(json.resource.azurerm_monitor_diagnostic_setting).toBeDefined();
    expect(fs.existsSync(path.join(stackDir, 'amr.topology.json'))).toBe(true);

    // Data access for the application's managed identity (Entra ID; access keys stay off), and a CanNotDelete lock.
    const [cacheName] = Object.keys(json.resource.azurerm_managed_redis);
    const [identityName] = Object.keys(json.resource.azurerm_user_assigned_identity);
    expect(json.terraform.required_providers.azurerm.version).toBe(PLATFORM.providerVersion);
    expect(assignmentsOf(json)).toEqual([
      { cacheId: `\${azurerm_managed_redis.${cacheName}.id}`, objectId: `\${azurerm_user_assigned_identity.${identityName}.principal_id}`, ...(CDKTN ? {} : { name: 'orders-app' }) },
    ]);
    const locks: any[] = Object.values(json.resource.azurerm_management_lock);
    expect(locks).toEqual([expect.objectContaining({ name: 'lock-orders-cache-prod', lock_level: 'CanNotDelete', scope: `\${azurerm_managed_redis.${cacheName}.id}` })]);
  });

  test('dev synthesizes (warnings only)', () => {
    const run = synthExample('dev');
    expect(run.status).toBe(0);
    expect(fs.existsSync(path.join(run.outdir, 'stacks', 'dev', 'cdk.tf.json'))).toBe(true);
  });

  test('mission-critical synthesizes a linked three-region group and its runbook', () => {
    const run = synthExample('mission-critical');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const stackDir = path.join(run.outdir, 'stacks', 'mission-critical');
    const json = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(json.resource.azurerm_managed_redis)).toHaveLength(3);
    expect(Object.keys(json.resource.azurerm_managed_redis_geo_replication)).toHaveLength(1);
    // azurerm 4.55 needs two azapi force-links for three members; 4.73 links them itself (no azapi resource at all).
    if (PLATFORM.capabilities.nativeGeoLinking) expect(Object.keys(json.resource).filter((type) => type.startsWith('azapi_'))).toEqual([]);
    else expect(Object.keys(json.resource.azapi_resource_action)).toHaveLength(2);
    // Every member grants the application's principal (a variable) data access and carries a CanNotDelete lock.
    const members = Object.keys(json.resource.azurerm_managed_redis).map((name) => `\${azurerm_managed_redis.${name}.id}`);
    const assignments = assignmentsOf(json);
    expect(assignments.map((a) => a.cacheId)).toEqual(members);
    for (const a of assignments) expect(a).toEqual({ cacheId: a.cacheId, objectId: '${var.app_principal_id}', ...(CDKTN ? {} : { name: 'sessions-app' }) });
    const locks: any[] = Object.values(json.resource.azurerm_management_lock);
    expect(locks.map((l) => [l.scope, l.lock_level])).toEqual(members.map((id) => [id, 'CanNotDelete']));
    expect(json.variable.app_principal_id).toEqual(expect.objectContaining({ type: 'string' }));
    expect(fs.existsSync(path.join(stackDir, 'amr.runbook.sessions-geo.md'))).toBe(true);
  });

  test('invalid fails with every error listed, exit code 1, and no stack trace', () => {
    const run = synthExample('invalid');
    expect(run.status).toBe(1);
    const ids = [...run.stderr.matchAll(/\] (AMR-[A-Z]+-\d{3}):/g)].map((m) => m[1]);
    expect(ids).toEqual(['AMR-HA-001', 'AMR-ZR-002', 'AMR-ZR-001', 'AMR-MOD-002']);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(run.outdir, 'stacks', 'invalid', 'cdk.tf.json'))).toBe(false);
  });
});
