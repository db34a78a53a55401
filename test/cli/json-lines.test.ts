import { JSON_RESOURCES, MAX_JSON_DEPTH, PLAN_ENTRIES, planLines, resourceLines, scanKeyLines, TooDeepError } from '../../src/cli/inputs/json-lines';

/** index in resource_changes → line of its `"address"` key, as `amr check` reads a plan. */
const planResourceLines = (text: string) => planLines(scanKeyLines(text, [PLAN_ENTRIES]));
/** `type.name` → line of its key, as `amr check` reads Terraform JSON. */
const terraformJsonResourceLines = (text: string) => resourceLines(scanKeyLines(text, [JSON_RESOURCES]));

describe('line scan of JSON inputs', () => {
  test('a plan: the line of each resource_changes entry\'s own "address", not of addresses nested in values or elsewhere', () => {
    const plan = {
      format_version: '1.2',
      planned_values: { root_module: { resources: [{ address: 'azurerm_managed_redis.a' }] } },
      resource_changes: [
        { address: 'azurerm_managed_redis.a', change: { after: { note: 'a "quoted" {brace} [bracket], comma \\', address: 'nested' } } },
        { mode: 'managed', address: 'azurerm_managed_redis.b["k\\"ey"]', change: { after: { list: [{ address: 'x' }, '\\"', '\\\\'] } } },
      ],
      configuration: { root_module: { resources: [{ address: 'azurerm_managed_redis.a' }] } },
    };
    const text = JSON.stringify(plan, null, 2);
    const lineOf = (needle: string, from = 0) => text.slice(0, text.indexOf(needle, from)).split('\n').length;
    const changes = text.indexOf('"resource_changes"');
    expect(planResourceLines(text)).toEqual(
      new Map([
        [0, lineOf('"address": "azurerm_managed_redis.a"', changes)],
        [1, lineOf('"address": "azurerm_managed_redis.b', changes)],
      ]),
    );
    // Compact JSON (as terraform show -json writes it): every entry is on line 1.
    expect(planResourceLines(JSON.stringify(plan))).toEqual(new Map([[0, 1], [1, 1]]));
  });

  test('text and its UTF-8 bytes give the same answer, whatever characters the keys and values hold', () => {
    const plan = {
      format_version: '1.2',
      resource_changes: [
        { address: 'azurerm_managed_redis.a["ключ"]', change: { after: { tags: { 'über': 'VolatileLRU → AllKeysLRU 🚀', note: '"{[' } } } },
        { address: 'azurerm_managed_redis.b["\u2028"]', change: { after: { name: 'café' } } },
      ],
    };
    const text = JSON.stringify(plan, null, 2);
    const changes = text.indexOf('"resource_changes"');
    const lineOf = (needle: string) => text.slice(0, text.indexOf(needle, changes)).split('\n').length;
    const expected = new Map([
      [0, lineOf('"address": "azurerm_managed_redis.a')],
      [1, lineOf('"address": "azurerm_managed_redis.b')],
    ]);
    expect(planResourceLines(text)).toEqual(expected);
    expect(planLines(scanKeyLines(Buffer.from(text, 'utf8'), [PLAN_ENTRIES]))).toEqual(expected);
    const json = JSON.stringify({ resource: { azurerm_managed_redis: { 'ключ': { name: '→' } } } }, null, 2);
    expect(scanKeyLines(new Uint8Array(Buffer.from(json, 'utf8')), [JSON_RESOURCES])).toEqual(scanKeyLines(json, [JSON_RESOURCES]));
    expect(terraformJsonResourceLines(json)).toEqual(new Map([['azurerm_managed_redis.ключ', 4]])); // {, resource, azurerm_managed_redis, ключ
  });

  test('Terraform JSON: type.name → the line of the resource key, whatever its values hold', () => {
    const text = JSON.stringify({ resource: { azurerm_managed_redis: { a: { name: '}"{', tags: { b: '[' } }, b: {} }, azurerm_resource_group: { rg: {} } }, output: { c: {} } }, null, 2);
    const lines = text.split('\n');
    const lineOf = (key: string) => lines.findIndex((l) => l.trim().startsWith(`"${key}": {`)) + 1;
    expect(terraformJsonResourceLines(text)).toEqual(
      new Map([
        ['azurerm_managed_redis.a', lineOf('a')],
        ['azurerm_managed_redis.b', lineOf('b')],
        ['azurerm_resource_group.rg', lineOf('rg')],
      ]),
    );
  });

  test('nesting past the limit is refused; at the limit it is read', () => {
    const nested = (depth: number) => `{"format_version":"1","resource_changes":[],"x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
    expect(() => planResourceLines(nested(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => planResourceLines(nested(MAX_JSON_DEPTH + 1))).toThrow(TooDeepError);
    expect(() => planResourceLines('"[[[[{{{{" '.repeat(1000))).not.toThrow(); // brackets inside strings are not nesting
  });
});
