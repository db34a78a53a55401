/** Issue 9: every report states the azurerm version and why; --fail-on-unknown; one unknown line per attribute. */
import { amr, CACHE_STATE, plan, workdir } from './run';

const LOCK = (version: string) => `provider "registry.terraform.io/hashicorp/azurerm" {\n  version     = "${version}"\n  constraints = ">= 4.0.0"\n  hashes = []\n}\n`;
const tf = (constraint?: string, body = '') => `${constraint ? `terraform {\n  required_providers {\n    azurerm = {\n      source  = "hashicorp/azurerm"\n      version = "${constraint}"\n    }\n  }\n}\n` : ''}
resource "azurerm_managed_redis" "cache" {
  name                = "orders-cache"
  resource_group_name = "rg"
  location            = "westeurope"
  sku_name            = "Balanced_B10"
  ${body}
  default_database {
    clustering_policy = "EnterpriseCluster"
  }
}
`;

describe('the version used, and why, in every format', () => {
  test('JSON: providerVersion at the top level (a constraint range uses its latest known release)', async () => {
    const run = await amr(['check', 'main.tf', '--format', 'json'], { cwd: workdir({ 'main.tf': tf('~> 4.61') }) });
    expect(JSON.parse(run.stdout).providerVersion).toEqual({ version: '4.61.0', source: 'constraint', constraint: '~> 4.61' });
  });

  test('text header; with no constraint the latest known release', async () => {
    const run = await amr(['check', 'main.tf'], { cwd: workdir({ 'main.tf': tf() }) });
    expect(run.stdout.split('\n')[0]).toBe('Provider: azurerm 5.0.0 (no version constraint: the latest known release)');
  });

  test('the lock file beside the input wins over the constraint; SARIF run properties say so', async () => {
    const run = await amr(['check', 'main.tf', '--format', 'sarif'], { cwd: workdir({ 'main.tf': tf('>= 4.55.0'), '.terraform.lock.hcl': LOCK('4.60.0') }) });
    expect(JSON.parse(run.stdout).runs[0].properties.providerVersion).toEqual({ version: '4.60.0', source: 'lock-file', constraint: '>= 4.55.0' });
  });

  test('--provider-version wins over all; Markdown and JUnit state it', async () => {
    const dir = workdir({ 'main.tf': tf('~> 4.61'), '.terraform.lock.hcl': LOCK('4.61.0') });
    const md = await amr(['check', 'main.tf', '--format', 'markdown', '--provider-version', '4.55.0'], { cwd: dir });
    expect(md.stdout).toContain('azurerm 4.55.0 (from --provider-version)');
    const junit = await amr(['check', 'main.tf', '--format', 'junit', '--provider-version', '4.55.0'], { cwd: dir });
    expect(junit.stdout).toContain('<property name="azurerm.version" value="4.55.0"/>');
    expect(junit.stdout).toContain('<property name="azurerm.versionSource" value="flag"/>');
  });

  test('a plan: configuration.provider_config.azurerm.version_constraint, and a lock file beside the plan wins', async () => {
    const doc = plan([{ address: 'azurerm_managed_redis.cache', actions: ['no-op'], before: CACHE_STATE, after: CACHE_STATE }], '~> 4.60');
    const fromPlan = await amr(['check', 'plan.json', '--format', 'json'], { cwd: workdir({ 'plan.json': doc }) });
    expect(JSON.parse(fromPlan.stdout).providerVersion).toEqual({ version: '4.61.0', source: 'constraint', constraint: '~> 4.60' });
    const locked = await amr(['check', 'plan.json', '--format', 'json'], { cwd: workdir({ 'plan.json': doc, '.terraform.lock.hcl': LOCK('4.60.0') }) });
    expect(JSON.parse(locked.stdout).providerVersion).toMatchObject({ version: '4.60.0', source: 'lock-file' });
  });
});

describe('unknowns', () => {
  test('--fail-on-unknown: an unknown fails the check (exit 1); without it the check passes', async () => {
    const dir = workdir({ 'main.tf': tf(undefined, 'high_availability_enabled = azurerm_resource_group.rg.tags["ha"]') });
    const plain = await amr(['check', 'main.tf', '--format', 'json', '--fail-on', 'never'], { cwd: dir });
    expect(JSON.parse(plain.stdout).summary.unknown).toBeGreaterThan(0);
    expect(plain.code).toBe(0);
    const strict = await amr(['check', 'main.tf', '--format', 'json', '--fail-on', 'never', '--fail-on-unknown'], { cwd: dir });
    expect(strict.code).toBe(1);
  });

  test('one unresolved attribute is one unknown line per resource, listing the rules it blocks; the summary counts by rule', async () => {
    const dir = workdir({ 'main.tf': tf(undefined, 'high_availability_enabled = azurerm_resource_group.rg.tags["ha"]') });
    const report = JSON.parse((await amr(['check', 'main.tf', '--format', 'json'], { cwd: dir })).stdout);
    const haUnknowns = report.findings.filter((f: any) => f.status === 'unknown' && f.message.includes("'high_availability_enabled'"));
    expect(haUnknowns).toHaveLength(1);
    expect(haUnknowns[0].message).toMatch(/this blocks \d+ rules: AMR-/);
    const byRule = report.summary.unknownByRule;
    expect(Object.values(byRule).reduce((a: number, b: any) => a + b, 0)).toBeGreaterThan(report.summary.unknown);
    const text = await amr(['check', 'main.tf'], { cwd: dir });
    expect(text.stdout).toMatch(/Unknown by rule: AMR-/);
  });

  test('--fail-on-unknown passes an input without unknowns', async () => {
    const doc = plan([{ address: 'azurerm_managed_redis.cache', actions: ['no-op'], before: CACHE_STATE, after: CACHE_STATE }]);
    const run = await amr(['check', 'plan.json', '--format', 'json', '--fail-on', 'never', '--fail-on-unknown'], { cwd: workdir({ 'plan.json': doc }) });
    expect(JSON.parse(run.stdout).summary.unknown).toBe(0);
    expect(run.code).toBe(0);
  });
});
