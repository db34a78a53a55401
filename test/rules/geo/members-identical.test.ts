import { membersIdentical } from '../../../src/rules/geo/members-identical';
import { cache, check, expectFail, expectUnknown, findingsOf, geoLink, geoMember, listShaped, stack } from '../../support/resources';
import type { TerraformResource } from '../../../src/rules/terraform';

type Values = Record<string, unknown>;
const db = (fields: Values) => ({ default_database: fields });
const modules = (...list: Array<{ name: string; args?: string }>) => db({ module: list });

/** Members a (reference, first by address) and b (judged) in different regions; b gets `patchB`. */
function pair(patchA: Values = {}, patchB: Values = {}): [TerraformResource, TerraformResource] {
  return [geoMember('a', patchA), geoMember('b', { location: 'northeurope', ...patchB })];
}
const judgeB = (patchA: Values = {}, patchB: Values = {}) => {
  const [a, b] = pair(patchA, patchB);
  return check(membersIdentical, b, { others: [a, geoLink(a, [b])] });
};

describe('AMR-GRP-004 all members identical', () => {
  it('passes for identical members', () => {
    expect(judgeB()).toEqual({ status: 'pass' });
  });

  it('passes on the reference member (the first by address), which the others are compared with', () => {
    const [a, b] = pair({}, { sku_name: 'Balanced_B20' });
    expect(check(membersIdentical, a, { others: [b] })).toEqual({ status: 'pass' });
  });

  it('is not applicable to a cache without a group name', () => {
    expect(check(membersIdentical, cache({ sku_name: 'Balanced_B20' }), { others: [geoMember('a')] })).toEqual({ status: 'not-applicable' });
  });

  it('passes for a group of one in this stack', () => {
    expect(check(membersIdentical, geoMember('a'))).toEqual({ status: 'pass' });
  });

  describe('two hand-written caches sharing a group name with different eviction_policy', () => {
    const [a, b] = pair({ default_database: { eviction_policy: 'AllKeysLRU' } }, { default_database: { eviction_policy: 'NoEviction' } });

    it('fails on the non-reference member, naming both values and the reference', () => {
      expectFail(check(membersIdentical, b, { others: [a] }), 'default_database', "'cache-b'", "'orders-geo'", 'eviction_policy is NoEviction here but AllKeysLRU on', "'cache-a'");
    });

    it('whatever order the stack lists them in', () => {
      expectFail(check(membersIdentical, b, { others: [a] }), 'default_database', 'NoEviction');
      expect(check(membersIdentical, a, { others: [b] })).toEqual({ status: 'pass' });
    });

    it('is reported once, as an error, on the non-reference member', () => {
      const findings = findingsOf(stack(b, a, geoLink(a, [b])), 'AMR-GRP-004', 'dev');
      expect(findings).toEqual([expect.objectContaining({ resource: 'azurerm_managed_redis.b', status: 'fail', severity: 'error', attribute: 'default_database' })]);
    });

    it('also when default_database is written as a list', () => {
      expectFail(check(membersIdentical, listShaped(b), { others: [listShaped(a)] }), 'default_database', 'NoEviction', 'AllKeysLRU');
    });
  });

  describe('provider defaults apply', () => {
    it('an absent eviction_policy equals VolatileLRU', () => {
      expect(judgeB({ default_database: { eviction_policy: 'VolatileLRU' } }, { default_database: { eviction_policy: undefined } })).toEqual({ status: 'pass' });
      expect(judgeB({ default_database: { eviction_policy: undefined } }, { default_database: { eviction_policy: 'VolatileLRU' } })).toEqual({ status: 'pass' });
    });

    it('an absent eviction_policy differs from AllKeysLRU, shown as the default', () => {
      expectFail(judgeB({ default_database: { eviction_policy: 'AllKeysLRU' } }, { default_database: { eviction_policy: undefined } }), 'default_database', 'eviction_policy is VolatileLRU here but AllKeysLRU');
    });

    it('an absent clustering_policy equals OSSCluster and an absent client_protocol equals Encrypted', () => {
      expect(judgeB({}, { default_database: { clustering_policy: undefined, client_protocol: undefined } })).toEqual({ status: 'pass' });
    });
  });

  describe.each<[string, Values, Values, string[]]>([
    ['sku_name', { sku_name: 'Balanced_B10' }, { sku_name: 'Balanced_B20' }, ['sku_name is Balanced_B20 here but Balanced_B10']],
    ['clustering_policy', {}, db({ clustering_policy: 'EnterpriseCluster' }), ['clustering_policy is EnterpriseCluster here but OSSCluster']],
    ['client_protocol', {}, db({ client_protocol: 'Plaintext' }), ['client_protocol is Plaintext here but Encrypted']],
    ['persistence (RDB)', {}, db({ persistence_redis_database_backup_frequency: '1h' }), ['persistence_redis_database_backup_frequency is 1h here but (none)']],
    ['persistence (AOF)', db({ persistence_append_only_file_backup_frequency: '1s' }), {}, ['persistence_append_only_file_backup_frequency is (none) here but 1s']],
  ])('a difference in %s', (_label, patchA, patchB, fragments) => {
    it('fails, naming both values', () => {
      expectFail(judgeB(patchA, patchB), 'default_database', ...fragments);
    });
  });

  it('names every differing setting', () => {
    expectFail(judgeB({}, { sku_name: 'Balanced_B20', default_database: { eviction_policy: 'NoEviction' } }), 'default_database', 'sku_name is Balanced_B20', 'eviction_policy is NoEviction');
  });

  describe('modules are compared by names and args, order-insensitive', () => {
    it('passes for the same modules in another order', () => {
      expect(judgeB(modules({ name: 'RediSearch' }, { name: 'RedisJSON' }), modules({ name: 'RedisJSON' }, { name: 'RediSearch' }))).toEqual({ status: 'pass' });
    });

    it('passes for the same modules with the same args in another order', () => {
      expect(
        judgeB(modules({ name: 'RediSearch', args: 'MAXSEARCHRESULTS 100' }, { name: 'RedisJSON' }), modules({ name: 'RedisJSON' }, { name: 'RediSearch', args: 'MAXSEARCHRESULTS 100' })),
      ).toEqual({ status: 'pass' });
    });

    it('fails for the same names with different args, naming both', () => {
      expectFail(judgeB(modules({ name: 'RediSearch', args: 'MAXSEARCHRESULTS 100' }), modules({ name: 'RediSearch', args: 'MAXSEARCHRESULTS 500' })), 'default_database', 'MAXSEARCHRESULTS 500', 'MAXSEARCHRESULTS 100');
    });

    it('fails when args are given on one member only', () => {
      expectFail(judgeB(modules({ name: 'RediSearch' }), modules({ name: 'RediSearch', args: 'MAXSEARCHRESULTS 100' })), 'default_database', 'module is', 'MAXSEARCHRESULTS 100');
    });

    it('fails for different module names', () => {
      expectFail(judgeB(modules({ name: 'RedisJSON' }), modules({ name: 'RediSearch' })), 'default_database', 'RediSearch', 'RedisJSON');
    });

    it('fails when one member has a module and the other none', () => {
      expectFail(judgeB({}, modules({ name: 'RedisJSON' })), 'default_database', 'RedisJSON', '[]');
    });

    it('treats a single module block written as an object like a one-element list', () => {
      expect(judgeB(modules({ name: 'RedisJSON' }), db({ module: { name: 'RedisJSON' } }))).toEqual({ status: 'pass' });
    });
  });

  describe('unknown', () => {
    it('is unknown for an unresolved eviction_policy', () => {
      expectUnknown(judgeB({}, db({ eviction_policy: '${var.eviction}' })), 'default_database.eviction_policy');
    });

    it('is unknown for an unresolved sku_name', () => {
      expectUnknown(judgeB({}, { sku_name: '${var.sku}' }), 'sku_name');
    });

    it('is unknown for an unresolved module list', () => {
      expectUnknown(judgeB({}, db({ module: '${var.modules}' })), 'default_database.module');
    });

    it('is unknown when the reference member has the unresolved value', () => {
      expectUnknown(judgeB(db({ client_protocol: '${var.protocol}' }), {}), 'default_database.client_protocol');
    });

    it('still fails when a known setting differs and another is unresolved (the failure is certain)', () => {
      expectFail(judgeB({}, { sku_name: 'Balanced_B20', default_database: { eviction_policy: '${var.eviction}' } }), 'default_database', 'sku_name is Balanced_B20 here but Balanced_B10');
    });
  });
});
