/**
 * The HCL evaluator against Terraform's documented semantics (developer.hashicorp.com/terraform/language): one table
 * per construct and per function, with the error cases Terraform rejects (which become unknown, naming the call).
 */
import { evaluateString, type Scope } from '../../../src/rules/input/hcl/evaluate';
import { parseTemplates } from '../../../src/rules/input/hcl/syntax';
import { Namespace, objectOf, toPlain, Unknown, type Value } from '../../../src/rules/input/hcl/values';

const VARS: Record<string, Value> = {
  name: 'orders',
  n: 3,
  ha: false,
  zones: ['1', '2', '3'],
  tags: objectOf([
    ['env', 'prod'],
    ['team', 'cache'],
  ]),
  caches: objectOf([
    ['b', objectOf([['location', 'northeurope']])],
    ['a', objectOf([['location', 'westeurope']])],
  ]),
  nothing: null,
  empty: '',
  unknown: new Unknown('var.unknown'),
};

const scope: Scope = {
  prefix: 'module.m.',
  symbol: (name) => {
    if (name === 'var') return new Namespace('var', (k) => VARS[k]);
    if (name === 'azurerm_resource_group') return new Namespace(name, (k) => new Unknown(`module.m.azurerm_resource_group.${k}`));
    if (name === 'azurerm_managed_redis') return new Namespace(name, (k) => (k === 'c' ? [new Unknown('module.m.azurerm_managed_redis.c[0]'), new Unknown('module.m.azurerm_managed_redis.c[1]')] : undefined));
    return undefined;
  },
};

/** Evaluates one expression as Terraform would before apply; unknowns come back as their `${...}` text. */
async function evaluate(expression: string): Promise<unknown> {
  const text = `\${${expression}}`;
  const templates = await parseTemplates([text]);
  return toPlain(evaluateString(text, scope, templates));
}

async function evaluateTemplate(text: string): Promise<unknown> {
  return toPlain(evaluateString(text, scope, await parseTemplates([text])));
}

/** An expression Terraform rejects, or cannot know: unknown, naming the expression. */
const unknownNaming = (text: string) => `\${${text}}`;

describe('expressions', () => {
  test.each([
    ['42', 42],
    ['-1.5', -1.5],
    ['true', true],
    ['null', null],
    ['"a\\"b\\n"', 'a"b\n'],
    ['"\\u00e9"', 'é'],
    ['[1, "x", false]', [1, 'x', false]],
    ['{ a = 1, "b-c" = 2 }', { a: 1, 'b-c': 2 }],
    ['{ (var.name) = 1 }', { orders: 1 }],
    ['var.name', 'orders'],
    ['var.tags.env', 'prod'],
    ['var.tags["team"]', 'cache'],
    ['var.zones[1]', '2'],
    ['var.zones.0', '1'],
    ['var.caches["a"].location', 'westeurope'],
    ['var.n + 2 * 3', 9],
    ['(var.n + 2) * 3', 15],
    ['10 / 4', 2.5],
    ['10 % 4', 2],
    ['"5" + 1', 6],
    ['var.n > 2 && !var.ha', true],
    ['var.n == "3"', false],
    ['var.zones == ["1", "2", "3"]', true],
    ['var.tags != { env = "prod" }', true],
    ['var.ha || var.n < 3', false],
    ['var.ha ? "Enabled" : "Disabled"', 'Disabled'],
    ['var.nothing == null ? "unset" : "set"', 'unset'],
    ['[for z in var.zones : "zone-${z}" if z != "2"]', ['zone-1', 'zone-3']],
    ['[for i, z in var.zones : i]', [0, 1, 2]],
    ['{for k, c in var.caches : k => c.location}', { a: 'westeurope', b: 'northeurope' }],
    ['[for k, c in var.caches : k]', ['a', 'b']],
    ['{for z in ["a", "b", "a"] : z => z...}', { a: ['a', 'a'], b: ['b'] }],
    ['[for c in var.caches : c.location][0]', 'westeurope'],
    ['values(var.caches)[*].location', ['westeurope', 'northeurope']],
    ['var.zones[*]', ['1', '2', '3']],
    ['var.nothing[*]', []],
    ['var.name[*]', ['orders']],
    ['azurerm_managed_redis.c[*].id', ['${module.m.azurerm_managed_redis.c[0].id}', '${module.m.azurerm_managed_redis.c[1].id}']],
    ['[for c in azurerm_managed_redis.c : c.id]', ['${module.m.azurerm_managed_redis.c[0].id}', '${module.m.azurerm_managed_redis.c[1].id}']],
    ['length(azurerm_managed_redis.c)', 2],
  ])('%s', async (expression, expected) => {
    expect(await evaluate(expression)).toEqual(expected);
  });

  test.each([
    ['redis-${var.name}', 'redis-orders'],
    ['${var.n}', 3],
    ['${var.n}${var.n}', '33'],
    ['$${literal} ${var.name}', '${literal} orders'],
    ['%{ if var.ha }on%{ else }off%{ endif }', 'off'],
    ['line one\nline "two" ${var.name}', 'line one\nline "two" orders'],
    ['back\\slash ${var.name}', 'back\\slash orders'],
    ['ünï ${var.name}', 'ünï orders'],
  ])('template %j', async (text, expected) => {
    expect(await evaluateTemplate(text)).toEqual(expected);
  });

  test('what is not known before apply stays unknown, naming the expression with absolute references', async () => {
    expect(await evaluate('azurerm_resource_group.rg.location')).toBe('${module.m.azurerm_resource_group.rg.location}');
    expect(await evaluate('lower(azurerm_resource_group.rg.location)')).toBe('${lower(module.m.azurerm_resource_group.rg.location)}');
    expect(await evaluate('azurerm_managed_redis.c[1].id')).toBe('${module.m.azurerm_managed_redis.c[1].id}');
    expect(await evaluate('var.unknown ? 1 : 2')).toBe('${var.unknown ? 1 : 2}');
    expect(await evaluate('var.unknown == 1')).toBe('${var.unknown == 1}');
    expect(await evaluate('[for z in var.unknown : z]')).toBe('${[for z in var.unknown : z]}');
    expect(await evaluate('[1, var.unknown]')).toEqual([1, '${var.unknown}']);
    expect(await evaluate('{ a = var.unknown }')).toEqual({ a: '${var.unknown}' });
    expect(await evaluateTemplate('redis-${var.unknown}-${var.name}')).toBe('redis-${var.unknown}-orders');
    expect(await evaluate('timestamp()')).toBe(unknownNaming('timestamp()'));
    expect(await evaluate('not_a_function(1)')).toBe(unknownNaming('not_a_function(1)'));
    expect(await evaluate('data.azurerm_client_config.current.tenant_id')).toBe(unknownNaming('data.azurerm_client_config.current.tenant_id'));
  });

  test('&& and || decide on a known left operand', async () => {
    expect(await evaluate('var.ha && var.unknown')).toBe(false);
    expect(await evaluate('!var.ha || var.unknown')).toBe(true);
    expect(await evaluate('!var.ha && var.unknown')).toBe('${!var.ha && var.unknown}');
  });

  test.each([
    ['var.missing_attribute.x'],
    ['var.tags.nope'],
    ['var.zones[7]'],
    ['1 / 0'],
    ['"a" + 1'],
    ['var.name ? 1 : 2'],
    ['{for z in ["a", "a"] : z => z}'],
    ['undeclared_symbol'],
  ])('%s is rejected by Terraform: unknown naming it, never an exception', async (expression) => {
    expect(await evaluate(expression)).toBe(unknownNaming(expression));
  });

  test('a string the HCL parser rejects is unknown', async () => {
    expect(await evaluate('var.name +')).toBe(unknownNaming('var.name +'));
  });
});

describe('functions', () => {
  const cases: Record<string, Array<[string, unknown]>> = {
    lookup: [
      ['lookup(var.tags, "env")', 'prod'],
      ['lookup(var.tags, "nope", "dflt")', 'dflt'],
      ['lookup(var.tags, "nope")', unknownNaming('lookup(var.tags, "nope")')],
      ['lookup(var.tags, var.unknown, "x")', unknownNaming('lookup(var.tags, var.unknown, "x")')],
    ],
    merge: [
      ['merge(var.tags, { env = "dev" }, null)', { env: 'dev', team: 'cache' }],
      ['merge()', {}],
      ['merge(var.tags, "x")', unknownNaming('merge(var.tags, "x")')],
      ['merge(var.tags, { a = var.unknown })', { env: 'prod', team: 'cache', a: '${var.unknown}' }],
    ],
    coalesce: [
      ['coalesce(var.nothing, var.empty, "x", "y")', 'x'],
      ['coalesce(var.nothing, "")', unknownNaming('coalesce(var.nothing, "")')],
      ['coalesce(var.unknown, "x")', unknownNaming('coalesce(var.unknown, "x")')],
      ['coalesce("a", var.unknown)', 'a'],
    ],
    try: [
      ['try(var.tags.nope, "fallback")', 'fallback'],
      ['try(var.tags.env, "fallback")', 'prod'],
      ['try(var.tags.nope, var.zones[9])', unknownNaming('try(var.tags.nope, var.zones[9])')],
      ['try(var.unknown, "x")', unknownNaming('try(var.unknown, "x")')],
    ],
    can: [
      ['can(var.tags.env)', true],
      ['can(var.tags.nope)', false],
      ['can(var.unknown)', unknownNaming('can(var.unknown)')],
    ],
    contains: [
      ['contains(var.zones, "2")', true],
      ['contains(var.zones, "9")', false],
      ['contains(["a", var.unknown], "b")', unknownNaming('contains(["a", var.unknown], "b")')],
      ['contains(["a", var.unknown], "a")', true],
      ['contains("abc", "a")', unknownNaming('contains("abc", "a")')],
    ],
    length: [
      ['length(var.zones)', 3],
      ['length(var.tags)', 2],
      ['length("héllo")', 5],
      ['length(5)', unknownNaming('length(5)')],
    ],
    concat: [
      ['concat(["a"], [], ["b", "c"])', ['a', 'b', 'c']],
      ['concat(["a"], "b")', unknownNaming('concat(["a"], "b")')],
    ],
    tostring: [
      ['tostring(5)', '5'],
      ['tostring(true)', 'true'],
      ['tostring(null)', null],
      ['tostring([])', unknownNaming('tostring([])')],
    ],
    tobool: [
      ['tobool("true")', true],
      ['tobool(false)', false],
      ['tobool("yes")', unknownNaming('tobool("yes")')],
    ],
    tonumber: [
      ['tonumber("42")', 42],
      ['tonumber("4.5")', 4.5],
      ['tonumber("x")', unknownNaming('tonumber("x")')],
    ],
    lower: [['lower("WestEurope")', 'westeurope']],
    upper: [['upper("b10")', 'B10']],
    format: [
      ['format("%s-%d", "cache", 3)', 'cache-3'],
      ['format("%03d|%-4s|%5.2f|%%|%v|%q", 7, "ab", 3.14159, true, "x")', '007|ab  | 3.14|%|true|"x"'],
      ['format("%d", 1.5)', unknownNaming('format("%d", 1.5)')],
      ['format("%s %s", "a")', unknownNaming('format("%s %s", "a")')],
    ],
    jsonencode: [
      ['jsonencode({ b = 1, a = [true, null] })', '{"b":1,"a":[true,null]}'],
      ['jsonencode(var.unknown)', unknownNaming('jsonencode(var.unknown)')],
    ],
    jsondecode: [
      ['jsondecode("{\\"a\\": [1, \\"x\\"]}")', { a: [1, 'x'] }],
      ['jsondecode("{")', unknownNaming('jsondecode("{")')],
    ],
    keys: [['keys(var.caches)', ['a', 'b']]],
    values: [['values({ b = 2, a = 1 })', [1, 2]]],
    element: [
      ['element(var.zones, 1)', '2'],
      ['element(var.zones, 4)', '2'],
      ['element([], 0)', unknownNaming('element([], 0)')],
      ['element(var.zones, -1)', unknownNaming('element(var.zones, -1)')],
    ],
    flatten: [['flatten([["a", ["b"]], [], "c"])', ['a', 'b', 'c']]],
    distinct: [['distinct(["b", "a", "b"])', ['b', 'a']]],
    toset: [
      ['toset(["b", "a", "b"])', ['a', 'b']],
      ['toset(["a", var.unknown])', unknownNaming('toset(["a", var.unknown])')],
    ],
    tolist: [['tolist(["a"])', ['a']]],
    tomap: [
      ['tomap({ a = 1 })', { a: 1 }],
      ['tomap(["a"])', unknownNaming('tomap(["a"])')],
    ],
    join: [
      ['join(",", var.zones)', '1,2,3'],
      ['join("-", ["a"], ["b"])', 'a-b'],
    ],
    split: [
      ['split(",", "a,b,,c")', ['a', 'b', '', 'c']],
      ['split(",", "")', ['']],
    ],
    replace: [
      ['replace("a-b-c", "-", "_")', 'a_b_c'],
      ['replace("cache01", "/[0-9]+/", "X")', 'cacheX'],
      ['replace("ab", "/(a)(b)/", "$2$1")', 'ba'],
      ['replace("a", "", "x")', unknownNaming('replace("a", "", "x")')],
    ],
    startswith: [
      ['startswith("Balanced_B10", "Balanced_")', true],
      ['startswith("x", "y")', false],
    ],
    endswith: [['endswith("orders-cache", "-cache")', true]],
    min: [
      ['min(3, 1, 2)', 1],
      ['min()', unknownNaming('min()')],
    ],
    max: [
      ['max(var.zones...)', 3],
      ['max("a")', unknownNaming('max("a")')],
    ],
    abs: [['abs(-3.5)', 3.5]],
    range: [
      ['range(3)', [0, 1, 2]],
      ['range(1, 4)', [1, 2, 3]],
      ['range(4, 1)', [4, 3, 2]],
      ['range(0, 1, 0.25)', [0, 0.25, 0.5, 0.75]],
      ['range(0, 5, -1)', unknownNaming('range(0, 5, -1)')],
      ['range(2000)', unknownNaming('range(2000)')],
    ],
    zipmap: [
      ['zipmap(["a", "b"], [1, 2])', { a: 1, b: 2 }],
      ['zipmap(["a"], [])', unknownNaming('zipmap(["a"], [])')],
    ],
    one: [
      ['one([])', null],
      ['one(["x"])', 'x'],
      ['one(["x", "y"])', unknownNaming('one(["x", "y"])')],
    ],
    compact: [['compact(["a", "", null, "b"])', ['a', 'b']]],
    trimspace: [['trimspace("  x \\n")', 'x']],
    trimprefix: [['trimprefix("Balanced_B10", "Balanced_")', 'B10']],
    trimsuffix: [['trimsuffix("a.json", ".json")', 'a']],
    substr: [
      ['substr("hello", 1, 3)', 'ell'],
      ['substr("hello", -3, -1)', 'llo'],
    ],
    index: [
      ['index(var.zones, "3")', 2],
      ['index(var.zones, "9")', unknownNaming('index(var.zones, "9")')],
    ],
    slice: [
      ['slice(var.zones, 1, 3)', ['2', '3']],
      ['slice(var.zones, 2, 5)', unknownNaming('slice(var.zones, 2, 5)')],
    ],
    sort: [['sort(["b", "a", "c"])', ['a', 'b', 'c']]],
    reverse: [['reverse([1, 2])', [2, 1]]],
    alltrue: [['alltrue([true, "true"])', true]],
    anytrue: [['anytrue([])', false]],
    sum: [
      ['sum([1, 2, 3.5])', 6.5],
      ['sum([])', unknownNaming('sum([])')],
    ],
    ceil: [['ceil(1.2)', 2]],
    floor: [['floor(-1.2)', -2]],
    parseint: [
      ['parseint("ff", 16)', 255],
      ['parseint("12x", 10)', unknownNaming('parseint("12x", 10)')],
    ],
    strcontains: [['strcontains("RediSearch", "Search")', true]],
    setunion: [['setunion(["b"], ["a", "b"])', ['a', 'b']]],
    chunklist: [['chunklist(["a", "b", "c"], 2)', [['a', 'b'], ['c']]]],
    formatlist: [['formatlist("zone-%s", ["1", "2"])', ['zone-1', 'zone-2']]],
    title: [['title("hello world")', 'Hello World']],
    coalescelist: [['coalescelist([], ["a"])', ['a']]],
    nonsensitive: [['nonsensitive(sensitive("x"))', 'x']],
  };
  for (const [name, table] of Object.entries(cases)) {
    test.each(table)(`${name}: %s`, async (expression, expected) => {
      expect(await evaluate(expression)).toEqual(expected);
    });
  }

  test('a wrong number of arguments is rejected', async () => {
    expect(await evaluate('upper("a", "b")')).toBe(unknownNaming('upper("a", "b")'));
    expect(await evaluate('lookup(var.tags)')).toBe(unknownNaming('lookup(var.tags)'));
  });
});
