import { flashModules } from '../../../src/rules/cache/flash-modules';
import { cache, check, expectFail, expectUnknown } from '../../support/resources';

const flash = (...names: string[]) => cache({ sku_name: 'FlashOptimized_A250', default_database: { module: names.map((name) => ({ name })) } });

describe('AMR-MOD-003 FlashOptimized supports only RedisJSON', () => {
  it('is not applicable to in-memory SKUs, whatever the modules', () => {
    expect(check(flashModules, cache({ default_database: { module: [{ name: 'RediSearch' }] } }))).toEqual({ status: 'not-applicable' });
    expect(check(flashModules, cache({ sku_name: 'MemoryOptimized_M50', default_database: { module: [{ name: 'RedisBloom' }] } }))).toEqual({ status: 'not-applicable' });
  });

  it('passes a Flash cache with RedisJSON or with no modules', () => {
    expect(check(flashModules, flash('RedisJSON'))).toEqual({ status: 'pass' });
    expect(check(flashModules, flash())).toEqual({ status: 'pass' });
    expect(check(flashModules, cache({ sku_name: 'FlashOptimized_A4500' }))).toEqual({ status: 'pass' });
  });

  it.each(['RediSearch', 'RedisBloom', 'RedisTimeSeries'])('fails a Flash cache with %s, naming the SKU and the module', (name) => {
    expectFail(check(flashModules, flash('RedisJSON', name)), 'default_database.module', 'FlashOptimized_A250', name);
  });

  it('reads list-shaped blocks', () => {
    const listed = cache({ sku_name: 'FlashOptimized_A500', default_database: [{ module: [{ name: 'RedisBloom' }] }] });
    expectFail(check(flashModules, listed), 'default_database.module', 'RedisBloom');
  });

  it('is unknown for an unresolved SKU or module list on a Flash cache', () => {
    expectUnknown(check(flashModules, cache({ sku_name: '${var.sku}' })), 'sku_name');
    expectUnknown(check(flashModules, cache({ sku_name: 'FlashOptimized_A250', default_database: { module: '${var.modules}' } })), 'default_database.module');
  });
});
