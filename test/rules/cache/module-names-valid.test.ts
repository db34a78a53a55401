import { moduleNamesValid } from '../../../src/rules/cache/module-names-valid';
import { cache, check, expectFail, expectUnknown } from '../../support/resources';

const MODULE = 'default_database.module';
const withModules = (...names: unknown[]) => cache({ default_database: { module: names.map((name) => ({ name })) } });

describe('AMR-MOD-001 module names valid, at most 4, no duplicates', () => {
  it('passes without modules', () => {
    expect(check(moduleNamesValid, cache())).toEqual({ status: 'pass' });
  });

  it('passes with all four modules once each', () => {
    expect(check(moduleNamesValid, withModules('RedisBloom', 'RedisTimeSeries', 'RediSearch', 'RedisJSON'))).toEqual({ status: 'pass' });
  });

  it('passes a single module written as one object (not a list)', () => {
    expect(check(moduleNamesValid, cache({ default_database: { module: { name: 'RedisJSON', args: '' } } }))).toEqual({ status: 'pass' });
  });

  it.each(['redisjson', 'RedisGraph', 'RedisGears', 'search'])('fails the unknown module %s (names are case-sensitive)', (name) => {
    expectFail(check(moduleNamesValid, withModules(name)), MODULE, `'${name}'`, 'RedisBloom, RedisTimeSeries, RediSearch, RedisJSON');
  });

  it('fails duplicates, naming the module', () => {
    expectFail(check(moduleNamesValid, withModules('RedisJSON', 'RediSearch', 'RedisJSON')), MODULE, 'RedisJSON declared more than once');
  });

  it('fails more than four modules, with the count', () => {
    const five = withModules('RedisBloom', 'RedisTimeSeries', 'RediSearch', 'RedisJSON', 'RedisBloom');
    expectFail(check(moduleNamesValid, five), MODULE, '5 modules', 'at most 4', 'RedisBloom declared more than once');
  });

  it('reads list-shaped blocks (HCL/plan style)', () => {
    const listed = cache({ default_database: [{ module: [{ name: 'RedisJSON' }, { name: 'Redisjson' }] }] });
    expectFail(check(moduleNamesValid, listed), MODULE, "'Redisjson'");
  });

  it('is unknown when the module list or a module name is unresolved', () => {
    expectUnknown(check(moduleNamesValid, cache({ default_database: { module: '${var.modules}' } })), MODULE);
    expectUnknown(check(moduleNamesValid, withModules('RedisJSON', '${var.module}')), MODULE);
  });
});
