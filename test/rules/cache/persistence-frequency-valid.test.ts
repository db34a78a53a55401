import { persistenceFrequencyValid } from '../../../src/rules/cache/persistence-frequency-valid';
import { cache, check, expectFail, expectUnknown } from '../../support/resources';

const AOF = 'default_database.persistence_append_only_file_backup_frequency';
const RDB = 'default_database.persistence_redis_database_backup_frequency';
const rdb = (value: unknown) => ({ default_database: { persistence_redis_database_backup_frequency: value } });
const aof = (value: unknown) => ({ default_database: { persistence_redis_database_backup_frequency: undefined, persistence_append_only_file_backup_frequency: value } });

describe('AMR-PER-002 persistence frequencies are valid (AOF 1s; RDB 1h/6h/12h)', () => {
  it.each(['1h', '6h', '12h'])('passes RDB %s', (value) => {
    expect(check(persistenceFrequencyValid, cache(rdb(value)))).toEqual({ status: 'pass' });
  });

  it('passes AOF 1s and no persistence at all', () => {
    expect(check(persistenceFrequencyValid, cache(aof('1s')))).toEqual({ status: 'pass' });
    expect(check(persistenceFrequencyValid, cache(rdb(undefined)))).toEqual({ status: 'pass' });
  });

  it.each(['24h', '1H', '60m', '1s'])('fails RDB %s', (value) => {
    expectFail(check(persistenceFrequencyValid, cache(rdb(value))), RDB, `'${value}'`, '1h, 6h, 12h');
  });

  it.each(['always', '1h', '2s'])('fails AOF %s ("always" is deprecated and rejected)', (value) => {
    expectFail(check(persistenceFrequencyValid, cache(aof(value))), AOF, `'${value}'`, 'allowed: 1s');
  });

  it('reads a list-shaped default_database', () => {
    expectFail(check(persistenceFrequencyValid, cache({ default_database: [{ persistence_redis_database_backup_frequency: '2h' }] })), RDB, "'2h'");
  });

  it('is unknown for an unresolved frequency', () => {
    expectUnknown(check(persistenceFrequencyValid, cache(rdb('${var.rdb}'))), RDB);
    expectUnknown(check(persistenceFrequencyValid, cache(aof('${var.aof}'))), AOF);
  });
});
