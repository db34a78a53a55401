import { geoMemberModules } from '../../../src/rules/geo/member-modules';
import { cache, check, expectFail, expectUnknown, findingsOf, geoMember, stack } from '../../support/resources';

const withModules = (...names: string[]) => ({ default_database: { module: names.map((name) => ({ name })) } });

describe('AMR-GEO-004 geo member modules are RediSearch or RedisJSON', () => {
  it('passes without modules', () => {
    expect(check(geoMemberModules, geoMember('a'))).toEqual({ status: 'pass' });
  });

  it('passes with RediSearch and RedisJSON', () => {
    expect(check(geoMemberModules, geoMember('a', withModules('RediSearch', 'RedisJSON')))).toEqual({ status: 'pass' });
  });

  it('passes with a single module block written as an object', () => {
    expect(check(geoMemberModules, geoMember('a', { default_database: { module: { name: 'RedisJSON' } } }))).toEqual({ status: 'pass' });
  });

  it.each(['RedisBloom', 'RedisTimeSeries'])('fails with %s, naming it and the allowed modules', (name) => {
    expectFail(check(geoMemberModules, geoMember('a', withModules('RedisJSON', name))), 'default_database.module', name, "'cache-a'", 'RediSearch, RedisJSON');
  });

  it('names every unsupported module', () => {
    const result = check(geoMemberModules, geoMember('a', withModules('RedisBloom', 'RedisTimeSeries')));
    expectFail(result, 'default_database.module', 'RedisBloom', 'RedisTimeSeries');
  });

  it('is not applicable to a non-geo cache with RedisBloom', () => {
    expect(check(geoMemberModules, cache(withModules('RedisBloom')))).toEqual({ status: 'not-applicable' });
  });

  it('is unknown for an unresolved module list or module name', () => {
    expectUnknown(check(geoMemberModules, geoMember('a', { default_database: { module: '${var.modules}' } })), 'default_database.module');
    expectUnknown(check(geoMemberModules, geoMember('a', withModules('${var.module}'))), 'default_database.module');
  });

  it('is reported as an error', () => {
    expect(findingsOf(stack(geoMember('a', withModules('RedisBloom'))), 'AMR-GEO-004')).toEqual([expect.objectContaining({ severity: 'error', status: 'fail' })]);
  });
});
