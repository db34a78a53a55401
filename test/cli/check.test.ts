import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { DevStack } from '../../examples/dev/stack';
import { ProductionStack } from '../../examples/production/stack';
import { acknowledge } from '../../src';
import { amr, CACHE_STATE, plan, workdir } from './run';

const HA_OFF_TF = `resource "azurerm_managed_redis" "cache" {
  name                      = "orders-cache"
  resource_group_name       = "rg"
  location                  = "westeurope"
  sku_name                  = "Balanced_B10"
  high_availability_enabled = false

  default_database {
    clustering_policy = "EnterpriseCluster"
  }
}
`;

/** A cdktf.out with the production and dev examples (dev acknowledges AMR-SEC-003 at synth). */
function synthesizedOut(): string {
  const outdir = workdir();
  const app = new App({ outdir: path.join(outdir, 'cdktf.out') });
  new ProductionStack(app, 'production');
  const dev = new DevStack(app, 'dev');
  acknowledge(dev, { id: 'AMR-SEC-003', reason: 'dev cache reached over the corporate VPN' });
  app.synth();
  return outdir;
}

describe('amr check on synthesized stacks', () => {
  const dir = synthesizedOut();

  test('checks every stack of a cdktf.out directory; warnings pass with --fail-on error', async () => {
    const run = await amr(['check', 'cdktf.out', '--format', 'json'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(Object.keys(report)).toEqual(['tool', 'profile', 'inputs', 'providerVersion', 'findings', 'notices', 'summary']);
    expect(report.inputs).toEqual([{ path: 'cdktf.out', kind: 'synth' }]);
    const dev = report.findings.filter((f: any) => f.stack === 'dev');
    expect(dev.map((f: any) => f.ruleId)).toEqual(expect.arrayContaining(['AMR-HA-001', 'AMR-OBS-001']));
    expect(dev.find((f: any) => f.ruleId === 'AMR-HA-001')).toMatchObject({
      severity: 'warning', // the dev profile recorded at synth
      constructPath: 'dev/scratch-cache/Resource',
      file: 'cdktf.out/stacks/dev/cdk.tf.json',
      line: expect.any(Number),
    });
    expect(report.findings.filter((f: any) => f.stack === 'production')).toEqual([]);
  });

  test('the line points at the resource block in cdk.tf.json', async () => {
    const report = JSON.parse((await amr(['check', 'cdktf.out', '--format', 'json'], { cwd: dir })).stdout);
    const finding = report.findings.find((f: any) => f.ruleId === 'AMR-HA-001');
    const lines = fs.readFileSync(path.join(dir, finding.file), 'utf8').split('\n');
    expect(lines[finding.line - 1]).toMatch(new RegExp(`"${finding.resource.split('.')[1]}": \\{`));
  });

  test('acknowledgements made at synth are honoured', async () => {
    const report = JSON.parse((await amr(['check', 'cdktf.out', '--format', 'json'], { cwd: dir })).stdout);
    expect(report.findings.find((f: any) => f.ruleId === 'AMR-SEC-003' && f.stack === 'dev')).toMatchObject({
      status: 'suppressed',
      suppression: { reason: 'dev cache reached over the corporate VPN' },
    });
  });

  test('--fail-on warning fails on warnings; --profile overrides the recorded profile', async () => {
    expect((await amr(['check', 'cdktf.out', '--fail-on', 'warning'], { cwd: dir })).code).toBe(1);
    const run = await amr(['check', 'cdktf.out/stacks/dev', '--profile', 'production', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).findings.find((f: any) => f.ruleId === 'AMR-HA-001').severity).toBe('error');
  });

  test('several formats in one run, to files and stdout', async () => {
    const run = await amr(['check', 'cdktf.out', '--format', 'sarif', '--output', 'amr.sarif', '--format', 'junit', '--output', 'amr.xml', '--format', 'github'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'amr.sarif'), 'utf8')).version).toBe('2.1.0');
    expect(fs.readFileSync(path.join(dir, 'amr.xml'), 'utf8')).toMatch(/^<\?xml/);
    expect(run.stdout).toMatch(/^::warning file=cdktf\.out\/stacks\/dev\/cdk\.tf\.json,line=\d+,title=AMR-HA-001::/m);
  });

  test('a baseline hides known findings and reports only new ones', async () => {
    expect((await amr(['check', 'cdktf.out', '--create-baseline', 'baseline.json', '--format', 'json'], { cwd: dir })).code).toBe(0);
    const run = await amr(['check', 'cdktf.out', '--baseline', 'baseline.json', '--format', 'json', '--fail-on', 'warning'], { cwd: dir });
    expect(JSON.parse(run.stdout).findings.filter((f: any) => f.status !== 'suppressed')).toEqual([]);
    expect(run.code).toBe(0);
  });
});

describe('amr check on HCL', () => {
  test('a .tf file with high_availability_enabled = false reports AMR-HA-001 with its line', async () => {
    const dir = workdir({ 'main.tf': `# cache\n\n${HA_OFF_TF}` });
    const run = await amr(['check', 'main.tf', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(1);
    const finding = JSON.parse(run.stdout).findings.find((f: any) => f.ruleId === 'AMR-HA-001');
    expect(finding).toMatchObject({ resource: 'azurerm_managed_redis.cache', file: 'main.tf', line: 3, status: 'fail', severity: 'error' });
  });

  test('a directory of .tf files is read whole, and stdin is detected as HCL', async () => {
    const dir = workdir({ 'infra/cache.tf': HA_OFF_TF, 'infra/other.tf': 'variable "x" {}\n' });
    expect((await amr(['check', 'infra'], { cwd: dir })).code).toBe(1);
    const stdin = await amr(['check', '-', '--format', 'json'], { cwd: dir, stdin: HA_OFF_TF });
    expect(JSON.parse(stdin.stdout).inputs).toEqual([{ path: '-', kind: 'hcl' }]);
  });

  test('invalid HCL ends with exit 2 and one line', async () => {
    const dir = workdir({ 'broken.tf': 'resource "azurerm_managed_redis" "x" {\n  name = \n' });
    const run = await amr(['check', 'broken.tf'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^amr: 'broken.tf' is not valid HCL/);
  });
});

describe('amr check on plans', () => {
  const update = (after: object) => plan([{ address: 'azurerm_managed_redis.cache', actions: ['update'], before: CACHE_STATE, after: { ...CACHE_STATE, ...after } }]);

  test('a plan changing clustering_policy of an existing cache (actions ["update"]) reports AMR-CHG-005, exit 1', async () => {
    const dir = workdir({ 'plan.json': update({ default_database: [{ ...CACHE_STATE.default_database[0], clustering_policy: 'EnterpriseCluster' }] }) });
    const run = await amr(['check', 'plan.json', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.inputs).toEqual([{ path: 'plan.json', kind: 'plan' }]);
    expect(report.findings.map((f: any) => f.ruleId)).toContain('AMR-CHG-005');
  });

  test('a plan changing only tags exits 0', async () => {
    const dir = workdir({ 'plan.json': update({ tags: { team: 'orders', cost: 'shared' } }) });
    const run = await amr(['check', 'plan.json'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  test('a plan turning HA off reports AMR-CHG-002', async () => {
    const dir = workdir({
      'plan.json': plan([{ address: 'azurerm_managed_redis.cache', actions: ['delete', 'create'], before: CACHE_STATE, after: { ...CACHE_STATE, high_availability_enabled: false }, after_unknown: { id: true, hostname: true } }]),
    });
    const run = await amr(['check', 'plan.json', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).findings.map((f: any) => f.ruleId)).toEqual(expect.arrayContaining(['AMR-CHG-002', 'AMR-CHG-001']));
  });

  test('a plan piped on stdin is detected as a plan', async () => {
    const run = await amr(['check', '-', '--format', 'json'], { stdin: update({ tags: {} }) });
    expect(JSON.parse(run.stdout).inputs).toEqual([{ path: '-', kind: 'plan' }]);
  });
});

describe('the provider version is read from the input', () => {
  const group = (version?: string) => {
    const cache = (name: string, location: string) => `resource "azurerm_managed_redis" "${name}" {
  name = "${name}"
  resource_group_name = "rg"
  location = "${location}"
  sku_name = "Balanced_B10"
  default_database {
    geo_replication_group_name = "g"
  }
}
`;
    const files: Record<string, string> = {
      'main.tf': `${cache('a', 'westeurope')}${cache('b', 'northeurope')}${cache('c', 'swedencentral')}
resource "azurerm_managed_redis_geo_replication" "link" {
  managed_redis_id         = azurerm_managed_redis.a.id
  linked_managed_redis_ids = [azurerm_managed_redis.b.id, azurerm_managed_redis.c.id]
}
`,
    };
    if (version) files['.terraform.lock.hcl'] = `provider "registry.terraform.io/hashicorp/azurerm" {\n  version     = "${version}"\n  constraints = ">= 4.0.0"\n  hashes = []\n}\n`;
    return workdir(files);
  };
  const grp009 = async (dir: string, extra: string[] = []) =>
    JSON.parse((await amr(['check', '.', '--format', 'json', ...extra], { cwd: dir })).stdout).findings.filter((f: any) => f.ruleId === 'AMR-GRP-009');

  test('with no constraint the latest known release is assumed, so a three-member group links natively (issue 9, defect 2)', async () => {
    expect(await grp009(group())).toHaveLength(0);
  });

  test('.terraform.lock.hcl pinning 4.61.0 makes it pass; --provider-version overrides', async () => {
    expect(await grp009(group('4.61.0'))).toHaveLength(0);
    expect(await grp009(group('4.61.0'), ['--provider-version', '4.55.0'])).toHaveLength(1);
  });
});

describe('suppressions file', () => {
  test('silences with a reason; expired entries and entries matching nothing are reported', async () => {
    const dir = workdir({
      'main.tf': HA_OFF_TF,
      '.amr-suppressions.json': JSON.stringify([
        { id: 'AMR-HA-001', resource: 'azurerm_managed_redis.cache', reason: 'migration in progress, ticket OPS-42', expiresOn: '2999-01-01' },
        { id: 'AMR-OBS-001', resource: 'azurerm_managed_redis.*', reason: 'diagnostics come from Azure Policy', expiresOn: '2020-01-01' },
        { id: 'AMR-SEC-001', resource: 'azurerm_managed_redis.nothing', reason: 'nothing matches this one' },
      ]),
    });
    const run = await amr(['check', 'main.tf', '--format', 'json'], { cwd: dir });
    const findings = JSON.parse(run.stdout).findings;
    expect(findings.find((f: any) => f.ruleId === 'AMR-HA-001' && f.status === 'suppressed').suppression).toEqual({ reason: 'migration in progress, ticket OPS-42', expiresOn: '2999-01-01' });
    expect(findings.find((f: any) => f.ruleId === 'AMR-OBS-001' && f.severity === 'error').message).toMatch(/expired on 2020-01-01/);
    expect(findings.find((f: any) => f.ruleId === 'AMR-SEC-001').message).toMatch(/matches no finding/);
    expect(run.code).toBe(1); // the expired suppression is an error
  });

  test('an invalid suppressions file is a usage error', async () => {
    const dir = workdir({ 'main.tf': HA_OFF_TF, 's.json': '[{"reason": "x"}]' });
    const run = await amr(['check', 'main.tf', '--suppressions', 's.json'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/suppressions file 's.json' is invalid: entry 1 has no "id"/);
  });
});

describe('a large JSON report', () => {
  test('written to standard output in pieces and to --output, it is the same valid document', async () => {
    // 400 caches without high availability or diagnostics: several findings each, more than one piece of a thousand.
    const changes = Array.from({ length: 400 }, (_, i) => {
      const state = { ...CACHE_STATE, name: `cache-${i}`, high_availability_enabled: false };
      return { address: `azurerm_managed_redis.c${i}`, actions: ['no-op'], before: state, after: state };
    });
    const dir = workdir({ 'plan.json': plan(changes) });
    const pieces: Array<string | Uint8Array> = [];
    const { main } = await import('../../src/cli/main');
    const code = await main(['check', 'plan.json', '--format', 'json', '--format', 'json', '--output', 'report.json'], {
      cwd: dir,
      stdout: (t) => void pieces.push(t),
      stderr: () => undefined,
      readStdin: async () => '',
      isTty: false,
    });
    expect(code).toBe(1);
    expect(pieces.length).toBeGreaterThan(1);
    const written = fs.readFileSync(path.join(dir, 'report.json'), 'utf8');
    expect(pieces.every((p) => p instanceof Uint8Array)).toBe(true); // bytes, written as they are
    expect(Buffer.concat(pieces as Uint8Array[]).toString('utf8')).toBe(written);
    const doc = JSON.parse(written);
    expect(doc.findings.length).toBeGreaterThan(1000);
    expect(doc.summary.errors + doc.summary.warnings).toBe(doc.findings.length);
    expect(written).toBe(`${JSON.stringify(doc, null, 2)}\n`);
  });
});
