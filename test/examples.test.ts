/** Each example synthesizes from its own folder, as a user would run it; the invalid one must fail cleanly. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const TS_NODE = path.join(ROOT, 'node_modules', '.bin', 'ts-node');

function synthExample(name: string) {
  const dir = path.join(ROOT, 'examples', name);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `amr-example-${name}-`));
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
  delete env.JEST_WORKER_ID; // run as a user's synth would, outside jest
  const run = spawnSync(TS_NODE, ['--transpile-only', 'main.ts'], { cwd: dir, encoding: 'utf8', env });
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
    const assignments: any[] = Object.values(json.resource.azapi_resource);
    expect(assignments).toEqual([
      expect.objectContaining({
        type: 'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments@2025-07-01',
        name: 'orders-app',
        parent_id: `\${azurerm_managed_redis.${cacheName}.id}/databases/default`,
        body: { properties: { accessPolicyName: 'default', user: { objectId: `\${azurerm_user_assigned_identity.${identityName}.principal_id}` } } },
      }),
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
    expect(Object.keys(json.resource.azapi_resource_action)).toHaveLength(2);
    // Every member grants the application's principal (a variable) data access and carries a CanNotDelete lock.
    const members = Object.keys(json.resource.azurerm_managed_redis).map((name) => `\${azurerm_managed_redis.${name}.id}`);
    const assignments: any[] = Object.values(json.resource.azapi_resource);
    expect(assignments.map((a) => a.parent_id)).toEqual(members.map((id) => `${id}/databases/default`));
    for (const a of assignments) expect(a).toEqual(expect.objectContaining({ name: 'sessions-app', body: { properties: { accessPolicyName: 'default', user: { objectId: '${var.app_principal_id}' } } } }));
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
