/**
 * `amr check` on Terraform as people write it (issue 9, the language half): variables, count/for_each, dynamic
 * blocks, local and remote module calls, folders of files. Each test ran red before the evaluator existed.
 */
import * as path from 'path';
import type { JsonReport } from '../../src/cli/report';
import { amr, workdir } from './run';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'hcl');

async function check(args: string[], cwd = FIXTURES): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const run = await amr(['check', ...args, '--format', 'json'], { cwd });
  return { code: run.code, report: run.stdout ? (JSON.parse(run.stdout) as JsonReport) : (undefined as unknown as JsonReport), stderr: run.stderr };
}

const find = (report: JsonReport, ruleId: string, resource: string) => report.findings.find((f) => f.ruleId === ruleId && f.resource === resource);

describe('defect 3: dynamic blocks', () => {
  test('dynamic "default_database" with a nested dynamic "module" is read: RediSearch with AllKeysLRU and OSSCluster fails AMR-MOD-002, no false AMR-DB-001', async () => {
    const { code, report } = await check(['dynamic-blocks']);
    expect(code).toBe(1);
    expect(find(report, 'AMR-MOD-002', 'azurerm_managed_redis.search')).toMatchObject({ status: 'fail', severity: 'error', line: 12 });
    expect(find(report, 'AMR-MOD-002', 'azurerm_managed_redis.search')?.message).toMatch(/AllKeysLRU.*OSSCluster/);
    expect(find(report, 'AMR-DB-001', 'azurerm_managed_redis.search')).toBeUndefined();
  });

  test('a dynamic "module" block from a variable overridden by --var is expanded with the new value', async () => {
    const { code, report } = await check(['dynamic-blocks', '--var', 'modules=[{ name = "RedisJSON" }]']);
    expect(find(report, 'AMR-MOD-002', 'azurerm_managed_redis.search')).toBeUndefined();
    expect(code).toBe(0);
  });

  test('RedisTimeSeries through dynamic "module" in a geo-replication group fails AMR-GEO-004', async () => {
    const cache = (name: string, location: string) => `
resource "azurerm_managed_redis" "${name}" {
  name                      = "${name}-cache"
  resource_group_name       = "rg"
  location                  = "${location}"
  sku_name                  = "Balanced_B10"
  high_availability_enabled = true
  default_database {
    clustering_policy          = "EnterpriseCluster"
    geo_replication_group_name = "orders"
    dynamic "module" {
      for_each = toset(var.modules)
      content {
        name = module.key
      }
    }
  }
}
`;
    const dir = workdir({ 'main.tf': `variable "modules" {\n  default = ["RedisTimeSeries"]\n}\n${cache('a', 'westeurope')}${cache('b', 'northeurope')}` });
    const { report } = await check(['.'], dir);
    expect(find(report, 'AMR-GEO-004', 'azurerm_managed_redis.a')).toMatchObject({ status: 'fail', severity: 'error' });
  });

  test('a dynamic block whose for_each is not known before apply makes the block unknown, naming the expression', async () => {
    const dir = workdir({
      'main.tf': `variable "modules" {}
resource "azurerm_managed_redis" "c" {
  name                      = "orders-cache"
  resource_group_name       = "rg"
  location                  = "westeurope"
  sku_name                  = "Balanced_B10"
  high_availability_enabled = true
  default_database {
    clustering_policy = "OSSCluster"
    dynamic "module" {
      for_each = var.modules
      content {
        name = module.value
      }
    }
  }
}
`,
    });
    const { report } = await check(['.'], dir);
    const unknown = report.findings.filter((f) => f.resource === 'azurerm_managed_redis.c' && f.status === 'unknown');
    // One unresolved attribute is one unknown line per resource, listing every rule it blocks (AMR-MOD-002 among them).
    expect(unknown).toHaveLength(1);
    expect(unknown[0].message).toContain('var.modules');
    expect(unknown[0].message).toMatch(/blocks \d+ rules: .*AMR-MOD-002/);
    expect(report.summary.unknownByRule).toMatchObject({ 'AMR-MOD-002': 1 });
  });
});

describe('defect 4: variables are known at plan time', () => {
  test('variable defaults that turn high availability off give AMR-HA-001 as an error, exit 1', async () => {
    const { code, report } = await check(['variable-defaults']);
    expect(code).toBe(1);
    expect(find(report, 'AMR-HA-001', 'azurerm_managed_redis.cache')).toMatchObject({ status: 'fail', severity: 'error', file: 'variable-defaults/main.tf', line: 6 });
  });

  test('--var, --var-file, terraform.tfvars and *.auto.tfvars set root variables, later winning as in Terraform', async () => {
    const dir = workdir({
      'variables.tf': 'variable "high_availability" {\n  type    = bool\n  default = false\n}\n',
      'main.tf': 'resource "azurerm_managed_redis" "cache" {\n  name = "orders-cache"\n  resource_group_name = "rg"\n  location = "westeurope"\n  sku_name = "Balanced_B10"\n  high_availability_enabled = var.high_availability\n  default_database {}\n}\n',
      'terraform.tfvars': 'high_availability = true\n',
      'b.auto.tfvars': 'high_availability = false\n',
      'a.auto.tfvars': 'high_availability = true\n',
      'prod.tfvars': 'high_availability = true\n',
    });
    const ha = async (...flags: string[]) => find((await check(['.', ...flags], dir)).report, 'AMR-HA-001', 'azurerm_managed_redis.cache')?.status;
    expect(await ha()).toBe('fail'); // b.auto.tfvars is read after a.auto.tfvars and terraform.tfvars
    expect(await ha('--var-file', 'prod.tfvars')).toBeUndefined();
    expect(await ha('--var-file', 'prod.tfvars', '--var', 'high_availability=false')).toBe('fail');
    expect(await ha('--var', 'high_availability=false', '--var-file', 'prod.tfvars')).toBeUndefined();
    expect(await ha('--var=high_availability=true')).toBeUndefined();
  });

  test('a variable without default or value is unknown, naming var.x; it never passes silently', async () => {
    const dir = workdir({
      'main.tf': 'variable "ha" {}\nresource "azurerm_managed_redis" "cache" {\n  name = "orders-cache"\n  resource_group_name = "rg"\n  location = "westeurope"\n  sku_name = "Balanced_B10"\n  high_availability_enabled = var.ha\n  default_database {}\n}\n',
    });
    const { code, report } = await check(['.'], dir);
    expect(code).toBe(0);
    const finding = find(report, 'AMR-HA-001', 'azurerm_managed_redis.cache');
    expect(finding).toMatchObject({ status: 'unknown' });
    expect(finding?.message).toContain('${var.ha}');
  });

  test('a missing --var-file or a malformed --var exits 2 with one line', async () => {
    const missing = await amr(['check', 'variable-defaults', '--var-file', 'nope.tfvars'], { cwd: FIXTURES });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("amr: --var-file 'nope.tfvars': no such file (fix: pass the path of a .tfvars file, relative to the current directory)\n");
    const malformed = await amr(['check', 'variable-defaults', '--var', 'high_availability'], { cwd: FIXTURES });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr.trim().split('\n')).toHaveLength(1);
    expect(malformed.stderr).toMatch(/^amr: --var 'high_availability' is not NAME=VALUE/);
    const undeclared = await amr(['check', 'variable-defaults', '--var', 'nope=1'], { cwd: FIXTURES });
    expect(undeclared.code).toBe(2);
    expect(undeclared.stderr).toMatch(/declares no variable "nope"/);
  });
});

describe('defect 5: count and for_each', () => {
  test('a diagnostic setting with count = 0 does not satisfy AMR-OBS-001; with count = 1 it does', async () => {
    const off = await check(['count-zero']);
    expect(off.report.summary.resources).toBe(1);
    expect(find(off.report, 'AMR-OBS-001', 'azurerm_managed_redis.cache')).toMatchObject({ status: 'fail' });
    const on = await check(['count-zero', '--var', 'enable_diagnostics=true']);
    expect(on.report.summary.resources).toBe(2);
    expect(find(on.report, 'AMR-OBS-001', 'azurerm_managed_redis.cache')).toBeUndefined();
  });

  test('count and for_each give Terraform addresses, and references reach the right instance', async () => {
    const dir = workdir({
      'main.tf': `locals {
  caches = { eu = "westeurope", us = "eastus2" }
}
resource "azurerm_managed_redis" "c" {
  for_each                  = local.caches
  name                      = "orders-\${each.key}"
  resource_group_name       = "rg"
  location                  = each.value
  sku_name                  = "Balanced_B10"
  high_availability_enabled = each.key == "eu"
  default_database {}
}
resource "azurerm_monitor_diagnostic_setting" "d" {
  count              = 2
  name               = "diag-\${count.index}"
  target_resource_id = azurerm_managed_redis.c["us"].id
}
`,
    });
    const { report } = await check(['.'], dir);
    expect(report.summary.resources).toBe(4);
    expect(find(report, 'AMR-HA-001', 'azurerm_managed_redis.c["us"]')).toMatchObject({ status: 'fail', line: 4 });
    expect(find(report, 'AMR-HA-001', 'azurerm_managed_redis.c["eu"]')).toBeUndefined();
    expect(find(report, 'AMR-OBS-001', 'azurerm_managed_redis.c["eu"]')).toMatchObject({ status: 'fail' });
    expect(find(report, 'AMR-OBS-001', 'azurerm_managed_redis.c["us"]')).toBeUndefined();
  });

  test('an unknown count keeps one instance addressed [*]; a diagnostic setting with an unknown count is only "maybe"', async () => {
    const dir = workdir({
      'main.tf': `variable "n" {
  type = number
}
resource "azurerm_managed_redis" "c" {
  count                     = var.n
  name                      = "orders-\${count.index}"
  resource_group_name       = "rg"
  location                  = "westeurope"
  sku_name                  = "Balanced_B10"
  high_availability_enabled = false
  default_database {}
}
resource "azurerm_monitor_diagnostic_setting" "d" {
  count              = var.n
  name               = "d"
  target_resource_id = azurerm_managed_redis.c[count.index].id
}
`,
    });
    const { report } = await check(['.'], dir);
    expect(find(report, 'AMR-HA-001', 'azurerm_managed_redis.c[*]')).toMatchObject({ status: 'fail' });
    const obs = find(report, 'AMR-OBS-001', 'azurerm_managed_redis.c[*]');
    expect(obs).toMatchObject({ status: 'unknown' });
    expect(obs?.message).toContain('azurerm_monitor_diagnostic_setting.d[*]');
  });
});

describe('defect 6: module calls', () => {
  test('a local module with a non-HA cache gives a finding at module.x["k"].type.name in the module file, exit 1', async () => {
    const { code, report } = await check(['local-module']);
    expect(code).toBe(1);
    expect(report.summary.resources).toBe(3);
    expect(find(report, 'AMR-HA-001', 'module.cache["us"].azurerm_managed_redis.this')).toMatchObject({
      status: 'fail',
      severity: 'error',
      file: 'local-module/modules/cache/main.tf',
      line: 14,
    });
    // The module's output reaches the caller: the diagnostic setting targets module.cache["eu"] only.
    expect(find(report, 'AMR-OBS-001', 'module.cache["eu"].azurerm_managed_redis.this')).toBeUndefined();
    expect(find(report, 'AMR-OBS-001', 'module.cache["us"].azurerm_managed_redis.this')).toMatchObject({ status: 'fail' });
  });

  test('a module call without count is addressed module.x.type.name', async () => {
    const dir = workdir({
      'main.tf': 'module "x" {\n  source = "./redis"\n}\n',
      'redis/main.tf': 'resource "azurerm_managed_redis" "y" {\n  name = "orders-cache"\n  resource_group_name = "rg"\n  location = "westeurope"\n  sku_name = "Balanced_B10"\n  high_availability_enabled = false\n  default_database {}\n}\n',
    });
    const { code, report } = await check(['.'], dir);
    expect(code).toBe(1);
    expect(find(report, 'AMR-HA-001', 'module.x.azurerm_managed_redis.y')).toMatchObject({ status: 'fail', file: 'redis/main.tf', line: 1 });
  });

  test('a remote module call is a notice in every format, counted as not checked, never "No findings"', async () => {
    const json = await check(['remote-module']);
    expect(json.report.summary).toMatchObject({ resources: 0, notChecked: 1 });
    expect(json.report.notices).toEqual([
      expect.objectContaining({ subject: 'module.redis', file: 'remote-module/main.tf', line: 1, message: expect.stringContaining("source 'Azure/avm-res-cache-redisenterprise/azurerm'") }),
    ]);
    const text = await amr(['check', 'remote-module'], { cwd: FIXTURES });
    expect(text.stdout).not.toMatch(/^No findings \(/m);
    expect(text.stdout).toContain('not checked [module.redis] (remote-module/main.tf:1)');
    expect(text.stdout).toMatch(/in 0 resources, 1 not checked\n$/);
    const github = await amr(['check', 'remote-module', '--format', 'github'], { cwd: FIXTURES });
    expect(github.stdout).toMatch(/^::warning file=remote-module\/main\.tf,line=1,title=not checked%3A module\.redis::module call 'module\.redis'/);
    const markdown = await amr(['check', 'remote-module', '--format', 'markdown'], { cwd: FIXTURES });
    expect(markdown.stdout).toContain('✅ **amr check passed**: 0 errors, 0 warnings, 1 not checked');
    expect(markdown.stdout).toContain('### Not checked');
    const junit = await amr(['check', 'remote-module', '--format', 'junit'], { cwd: FIXTURES });
    expect(junit.stdout).toMatch(/<testcase classname="not-checked" name="module\.redis" time="0">\s*<skipped message="not checked: module call/);
    const sarif = JSON.parse((await amr(['check', 'remote-module', '--format', 'sarif'], { cwd: FIXTURES })).stdout);
    expect(sarif.runs[0].invocations[0].toolExecutionNotifications[0]).toMatchObject({ level: 'warning', descriptor: { id: 'not-checked' }, properties: { subject: 'module.redis' } });
    expect(sarif.runs[0].properties.summary.notChecked).toBe(1);
  });

  test('a local module source that is not a folder of .tf files exits 2 naming the call', async () => {
    const dir = workdir({ 'main.tf': 'module "x" {\n  source = "./missing"\n}\n' });
    const run = await amr(['check', '.'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("amr: module.x at main.tf:1: source './missing' is not a folder of .tf files (fix: correct the module's source path)\n");
  });

  test('a module that calls itself exits 2', async () => {
    const dir = workdir({ 'main.tf': 'module "x" {\n  source = "./m"\n}\n', 'm/main.tf': 'module "again" {\n  source = "../m"\n}\n' });
    const run = await amr(['check', '.'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^amr: module\.again at m\/main\.tf:1: source '\.\.\/m' calls itself/);
  });
});

describe('defect 9 and an empty file: a folder of .tf files is one module', () => {
  test('a resource address declared in two files exits 2 naming both files and lines', async () => {
    const run = await amr(['check', 'duplicate-address'], { cwd: FIXTURES });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'amr: resource "azurerm_managed_redis" "cache" (address azurerm_managed_redis.cache) is declared twice, at duplicate-address/cache.tf:1 and duplicate-address/legacy.tf:3; Terraform rejects the module (fix: rename or remove one of them)\n',
    );
  });

  test.each([
    ['variable', 'variable "x" {}\n', 'variable "x" {\n  default = 1\n}\n', 'variable "x"'],
    ['local', 'locals {\n  a = 1\n}\n', 'locals {\n  b = 2\n  a = 3\n}\n', 'local value "a"'],
    ['module', 'module "m" {\n  source = "./m"\n}\n', 'module "m" {\n  source = "./m"\n}\n', 'module "m"'],
  ])('a duplicate %s exits 2', async (_kind, first, second, what) => {
    const dir = workdir({ 'a.tf': first, 'b.tf': second, 'm/main.tf': '' });
    const run = await amr(['check', '.'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^amr: ${what.replace(/"/g, '"')} is declared twice, at a\\.tf:\\d+ and b\\.tf:\\d+`));
  });

  test('a file nested deeper than the HCL parser can take exits 2 with one line, before it is parsed', async () => {
    const dir = workdir({ 'main.tf': `locals {\n  x = ${'['.repeat(1200)}${']'.repeat(1200)}\n}\n` });
    const run = await amr(['check', '.'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^amr: 'main\.tf' nests objects or lists deeper than 256 levels[^\n]*\n$/);
  });

  test('an empty .tf file beside others is valid', async () => {
    const { code, report } = await check(['empty-file']);
    expect(code).toBe(0);
    expect(report.summary.resources).toBe(1);
  });

  test('.tf.json files in the folder are read with the .tf files', async () => {
    const dir = workdir({
      'variables.tf': 'variable "ha" {\n  default = false\n}\n',
      'cache.tf.json': JSON.stringify({ resource: { azurerm_managed_redis: { j: { name: 'orders-cache', resource_group_name: 'rg', location: 'westeurope', sku_name: 'Balanced_B10', high_availability_enabled: '${var.ha}', default_database: {} } } } }),
    });
    const { report } = await check(['.'], dir);
    expect(find(report, 'AMR-HA-001', 'azurerm_managed_redis.j')).toMatchObject({ status: 'fail', file: 'cache.tf.json' });
  });
});
