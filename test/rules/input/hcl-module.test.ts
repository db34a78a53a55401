/** readHcl: a folder as one Terraform module, with instances, references made absolute and local modules. */
import { parse } from '@cdktf/hcl2json';
import { readHcl, type HclDocument, type ModuleFiles } from '../../../src/rules/input/hcl';
import { HclModuleError } from '../../../src/rules/input/hcl/module';
import { MAX_NESTING } from '../../../src/rules/input/hcl/syntax';
import { attr, referencedAddresses, refersTo, type StackView, type TerraformResource } from '../../../src/rules/terraform';

async function files(texts: Record<string, string>) {
  return Promise.all(Object.entries(texts).map(async ([file, text]) => ({ file, text, document: (await parse(file, text)) as HclDocument })));
}

/** Reads a root module; `modules` maps a folder (as `dir/source` resolves it) to its files. */
async function read(root: Record<string, string>, modules: Record<string, Record<string, string>> = {}, variables: Array<{ name: string; value: string }> = []): Promise<StackView> {
  const loadModule = async (fromDir: string, source: string): Promise<ModuleFiles | undefined> => {
    const dir = [...`${fromDir}/${source}`.split('/')].reduce<string[]>((parts, p) => (p === '..' ? parts.slice(0, -1) : p === '.' || p === '' ? parts : [...parts, p]), []).join('/');
    const texts = modules[dir];
    if (!texts) return undefined;
    return { dir, files: await files(Object.fromEntries(Object.entries(texts).map(([name, text]) => [`${dir}/${name}`, text]))) };
  };
  return readHcl(await files(root), { dir: '.', loadModule, variables: variables.map((v) => ({ kind: 'flag' as const, ...v })) });
}

const byAddress = (stack: StackView, address: string): TerraformResource => {
  const found = stack.resources.find((r) => r.address === address);
  if (!found) throw new Error(`no ${address} in ${stack.resources.map((r) => r.address).join(', ')}`);
  return found;
};

describe('readHcl', () => {
  describe('references to configured arguments of other resources', () => {
    test('a known configured argument is its value; a computed attribute (id) stays unknown naming the expression', async () => {
      const stack = await read({
        'main.tf': `
resource "azurerm_resource_group" "example" {
  name     = "rg-cache"
  location = "westeurope"
}
resource "azurerm_managed_redis" "c" {
  name                = "\${azurerm_resource_group.example.name}-redis"
  location            = azurerm_resource_group.example.location
  resource_group_name = azurerm_resource_group.example.name
  tags                = { rg = azurerm_resource_group.example.id, region = azurerm_resource_group.example.location }
}
`,
      });
      const cache = byAddress(stack, 'azurerm_managed_redis.c');
      expect(cache.values.location).toBe('westeurope');
      expect(cache.values.resource_group_name).toBe('rg-cache');
      expect(cache.values.name).toBe('rg-cache-redis');
      expect(cache.values.tags).toEqual({ rg: '${azurerm_resource_group.example.id}', region: 'westeurope' });
    });

    test('an argument the configuration does not set, or sets to an unknown value, stays unknown', async () => {
      const stack = await read({
        'main.tf': `
variable "region" {}
resource "azurerm_resource_group" "example" {
  name     = "rg"
  location = var.region
}
resource "azurerm_managed_redis" "c" {
  location            = azurerm_resource_group.example.location
  resource_group_name = azurerm_resource_group.example.managed_by
}
`,
      });
      const cache = byAddress(stack, 'azurerm_managed_redis.c');
      expect(cache.values.location).toBe('${azurerm_resource_group.example.location}');
      expect(cache.values.resource_group_name).toBe('${azurerm_resource_group.example.managed_by}');
    });

    test('count and for_each instances each have their own configured values', async () => {
      const stack = await read({
        'main.tf': `
resource "azurerm_resource_group" "counted" {
  count    = 2
  location = ["westeurope", "northeurope"][count.index]
}
resource "azurerm_resource_group" "keyed" {
  for_each = { a = "eastus", b = "westus" }
  location = each.value
}
resource "azurerm_managed_redis" "c" {
  location = azurerm_resource_group.counted[1].location
  tags     = { keyed = azurerm_resource_group.keyed["a"].location, all = join(",", azurerm_resource_group.counted[*].location) }
}
`,
      });
      const cache = byAddress(stack, 'azurerm_managed_redis.c');
      expect(cache.values.location).toBe('northeurope');
      expect(cache.values.tags).toEqual({ keyed: 'eastus', all: 'westeurope,northeurope' });
    });

    test('through a module output chain, with the module prefix', async () => {
      const stack = await read(
        {
          'main.tf': `
module "rg" {
  source = "./modules/rg"
}
resource "azurerm_managed_redis" "c" {
  location = module.rg.location
  name     = module.rg.id
}
`,
        },
        {
          'modules/rg': {
            'main.tf': `resource "azurerm_resource_group" "this" {
  location = "swedencentral"
}
output "location" {
  value = azurerm_resource_group.this.location
}
output "id" {
  value = azurerm_resource_group.this.id
}
`,
          },
        },
      );
      const cache = byAddress(stack, 'azurerm_managed_redis.c');
      expect(cache.values.location).toBe('swedencentral');
      expect(cache.values.name).toBe('${module.rg.azurerm_resource_group.this.id}');
    });

    test('a reference cycle ends as unknown, never a hang or an exception', async () => {
      const stack = await read({
        'main.tf': `
resource "azurerm_resource_group" "a" {
  location = azurerm_resource_group.b.location
}
resource "azurerm_resource_group" "b" {
  location = azurerm_resource_group.a.location
}
`,
      });
      for (const address of ['azurerm_resource_group.a', 'azurerm_resource_group.b']) {
        const location = byAddress(stack, address).values.location;
        expect(typeof location).toBe('string');
        expect(location).toMatch(/^\$\{azurerm_resource_group\.[ab]\.location\}$/);
      }
    });
  });

  test('references to counted resources name the instance, and depends_on lists every instance', async () => {
    const stack = await read({
      'main.tf': `
resource "azurerm_managed_redis" "c" {
  count = 2
  name  = "cache-\${count.index}"
}
resource "azurerm_managed_redis_geo_replication" "g" {
  managed_redis_id          = azurerm_managed_redis.c[0].id
  linked_managed_redis_ids  = azurerm_managed_redis.c[*].id
  depends_on                = [azurerm_managed_redis.c]
}
`,
    });
    const geo = byAddress(stack, 'azurerm_managed_redis_geo_replication.g');
    expect(geo.values.managed_redis_id).toBe('${azurerm_managed_redis.c[0].id}');
    expect(geo.values.linked_managed_redis_ids).toEqual(['${azurerm_managed_redis.c[0].id}', '${azurerm_managed_redis.c[1].id}']);
    expect(geo.values.depends_on).toEqual(['${azurerm_managed_redis.c[0]}', '${azurerm_managed_redis.c[1]}']);
    expect(refersTo(geo.values.managed_redis_id, byAddress(stack, 'azurerm_managed_redis.c[0]'))).toBe(true);
    expect(byAddress(stack, 'azurerm_managed_redis.c[1]').values.name).toBe('cache-1');
    expect(byAddress(stack, 'azurerm_managed_redis.c[1]').values).not.toHaveProperty('count');
  });

  test('nested local modules: inputs from the caller, outputs back, absolute addresses, each file its own lines', async () => {
    const stack = await read(
      {
        'main.tf': `
module "region" {
  source = "./modules/region"
  count  = 2
  index  = count.index
}
resource "azurerm_monitor_diagnostic_setting" "d" {
  target_resource_id = module.region[1].cache_id
}
`,
      },
      {
        'modules/region': {
          'main.tf': `variable "index" {}

module "cache" {
  source = "../cache"
  name   = "cache-\${var.index}"
}
output "cache_id" {
  value = module.cache.id
}
`,
        },
        'modules/cache': {
          'main.tf': `variable "name" {}
variable "sku" {
  default = "Balanced_B10"
}
resource "azurerm_managed_redis" "this" {
  name     = var.name
  sku_name = var.sku
  location = azurerm_resource_group.rg.location
}
output "id" {
  value = azurerm_managed_redis.this.id
}
`,
        },
      },
    );
    expect(stack.resources.map((r) => r.address)).toEqual([
      'azurerm_monitor_diagnostic_setting.d',
      'module.region[0].module.cache.azurerm_managed_redis.this',
      'module.region[1].module.cache.azurerm_managed_redis.this',
    ]);
    const second = byAddress(stack, 'module.region[1].module.cache.azurerm_managed_redis.this');
    expect(second).toMatchObject({ file: 'modules/cache/main.tf', line: 5, values: { name: 'cache-1', sku_name: 'Balanced_B10' } });
    expect(attr(second, 'location')).toEqual({ kind: 'unknown', expression: '${module.region[1].module.cache.azurerm_resource_group.rg.location}' });
    const diag = byAddress(stack, 'azurerm_monitor_diagnostic_setting.d');
    expect(referencedAddresses(diag.values.target_resource_id)).toEqual(['module.region[1].module.cache.azurerm_managed_redis.this']);
    expect(refersTo(diag.values.target_resource_id, second)).toBe(true);
  });

  test('a remote module call is one notice naming the call and its source; no resource', async () => {
    const stack = await read({ 'main.tf': 'module "redis" {\n  source = "git::https://example.com/redis.git?ref=v1"\n}\n' });
    expect(stack.resources).toEqual([]);
    expect(stack.notices).toEqual([expect.objectContaining({ subject: 'module.redis', file: 'main.tf', line: 1, message: expect.stringContaining("'git::https://example.com/redis.git?ref=v1'") })]);
  });

  test('an unknown for_each on a module keeps one instance addressed [*] with unknown each values', async () => {
    const stack = await read(
      { 'main.tf': 'variable "caches" {}\nmodule "c" {\n  source   = "./c"\n  for_each = var.caches\n  name     = each.key\n}\n' },
      { c: { 'main.tf': 'variable "name" {}\nresource "azurerm_managed_redis" "this" {\n  name = var.name\n}\n' } },
    );
    const only = byAddress(stack, 'module.c[*].azurerm_managed_redis.this');
    expect(only.values.name).toBe('${each.key}');
  });

  test('an unknown count is recorded on the resource, naming the expression', async () => {
    const stack = await read({ 'main.tf': 'variable "n" {}\nresource "azurerm_managed_redis" "c" {\n  count = var.n\n  name  = "c-${count.index}"\n}\n' });
    expect(byAddress(stack, 'azurerm_managed_redis.c[*]')).toMatchObject({ unknownInstances: 'count = var.n', values: { name: 'c-${count.index}' } });
  });

  test('locals that refer to each other in a cycle are unknown; evaluation goes on', async () => {
    const stack = await read({ 'main.tf': 'locals {\n  a = local.b\n  b = local.a\n  ok = "fine"\n}\nresource "azurerm_managed_redis" "c" {\n  name = local.a\n  sku_name = local.ok\n}\n' });
    const cache = byAddress(stack, 'azurerm_managed_redis.c');
    expect(attr(cache, 'name').kind).toBe('unknown');
    expect(cache.values.sku_name).toBe('fine');
  });

  test('a --var for a collection variable is an HCL expression; for a string it is the text as given', async () => {
    const stack = await read(
      { 'main.tf': 'variable "zones" {\n  type = list(string)\n}\nvariable "name" {}\nresource "azurerm_managed_redis" "c" {\n  name  = var.name\n  zones = var.zones\n}\n' },
      {},
      [
        { name: 'zones', value: '["1", "2"]' },
        { name: 'name', value: '${not-an-expression}' },
      ],
    );
    expect(byAddress(stack, 'azurerm_managed_redis.c').values).toMatchObject({ zones: ['1', '2'] });
    expect(attr(byAddress(stack, 'azurerm_managed_redis.c'), 'name')).toEqual({ kind: 'unknown', expression: '${not-an-expression}' });
  });

  test('count beyond the instance limit is refused, not allocated', async () => {
    await expect(read({ 'main.tf': 'resource "azurerm_managed_redis" "c" {\n  count = 100000000\n}\n' })).rejects.toBeInstanceOf(HclModuleError);
  });

  test('an expression nested deeper than the parser can take is unknown, and later parses still work', async () => {
    const deep = `${'['.repeat(MAX_NESTING)}1${']'.repeat(MAX_NESTING)}`;
    const stack = await readHcl([{ file: 'main.tf', text: '', document: { resource: { azurerm_managed_redis: { c: [{ name: 'x', tags: `\${${deep}}` }] } } } }]);
    expect(attr(byAddress(stack, 'azurerm_managed_redis.c'), 'tags').kind).toBe('unknown');
    expect((await read({ 'main.tf': 'resource "azurerm_managed_redis" "c" {\n  name = upper("x")\n}\n' })).resources[0].values.name).toBe('X');
  });
});
