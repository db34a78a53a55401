import { singlePersistenceMode } from '../../../src/rules/cache/single-persistence-mode';
import { cache, check, expectFail, expectUnknown } from '../../support/resources';

const AOF = 'default_database.persistence_append_only_file_backup_frequency';
const RDB = 'default_database.persistence_redis_database_backup_frequency';
const db = (aof?: unknown, rdb?: unknown) => ({
  default_database: { persistence_append_only_file_backup_frequency: aof, persistence_redis_database_backup_frequency: rdb },
});

describe('AMR-PER-001 at most one of AOF and RDB', () => {
  it.each([
    ['RDB only', undefined, '1h'],
    ['AOF only', '1s', undefined],
    ['no persistence', undefined, undefined],
  ])('passes with %s', (_label, aof, rdb) => {
    expect(check(singlePersistenceMode, cache(db(aof, rdb)))).toEqual({ status: 'pass' });
  });

  it('fails with both, naming both values', () => {
    expectFail(check(singlePersistenceMode, cache(db('1s', '6h'))), RDB, "'1s'", "'6h'");
  });

  it('reads list-shaped blocks the same way', () => {
    const both = { default_database: [{ persistence_append_only_file_backup_frequency: '1s', persistence_redis_database_backup_frequency: '12h' }] };
    expectFail(check(singlePersistenceMode, cache(both)), RDB, "'1s'", "'12h'");
  });

  it('is unknown when either frequency is unresolved', () => {
    expectUnknown(check(singlePersistenceMode, cache(db('${var.aof}', '1h'))), AOF);
    expectUnknown(check(singlePersistenceMode, cache(db(undefined, '${var.rdb}'))), RDB);
  });
});
