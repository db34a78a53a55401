/** Defect 1 of issue 9: plan and state values as azurerm's typed SDK writes them ("" and [] for unset). */
import { evaluateStack } from '../../../src/rules/engine';
import { withoutUnsetValues } from '../../../src/rules/input/state-values';
import { cacheState, createCache, planView, updateCache } from '../../support/plans';

const NO_PERSISTENCE = { default_database: { persistence_redis_database_backup_frequency: '' } };
const ruleIds = (view: ReturnType<typeof planView>) => evaluateStack(view).findings.map((f) => f.ruleId);

describe('state-shaped plan values', () => {
  test('the state of a cache without persistence holds "" for both frequencies (as the provider writes it)', () => {
    const state = cacheState('a', NO_PERSISTENCE);
    const db = (state.default_database as Array<Record<string, unknown>>)[0];
    expect(db.persistence_append_only_file_backup_frequency).toBe('');
    expect(db.persistence_redis_database_backup_frequency).toBe('');
  });

  test('a tags-only update of a cache without persistence gives no AMR-PER-001/002', () => {
    const view = planView([updateCache('a', NO_PERSISTENCE, { ...NO_PERSISTENCE, tags: { team: 'payments' } })]);
    expect(ruleIds(view)).not.toEqual(expect.arrayContaining(['AMR-PER-001']));
    expect(ruleIds(view)).not.toContain('AMR-PER-002');
  });

  test('a fresh create of a cache without persistence gives no AMR-PER-001/002', () => {
    const view = planView([createCache('a', NO_PERSISTENCE)]);
    expect(ruleIds(view)).not.toContain('AMR-PER-001');
    expect(ruleIds(view)).not.toContain('AMR-PER-002');
  });

  test('both frequencies set in a plan still fail AMR-PER-001 (a real value stays a value)', () => {
    const view = planView([createCache('a', { default_database: { persistence_append_only_file_backup_frequency: '1s' } })]);
    expect(ruleIds(view)).toContain('AMR-PER-001');
  });

  test('an invalid frequency in a plan still fails AMR-PER-002', () => {
    const view = planView([createCache('a', { default_database: { persistence_redis_database_backup_frequency: '2h' } })]);
    expect(ruleIds(view)).toContain('AMR-PER-002');
  });

  test('high_availability_enabled = false stays a value: AMR-HA-001 fails on the plan', () => {
    const view = planView([createCache('a', { high_availability_enabled: false })]);
    expect(ruleIds(view)).toContain('AMR-HA-001');
  });

  test('empty strings and lists of listed attributes become absent; booleans and unlisted attributes stay', () => {
    const values = withoutUnsetValues('azurerm_managed_redis', {
      high_availability_enabled: false,
      hostname: '',
      identity: [],
      default_database: [{ access_keys_authentication_enabled: false, geo_replication_group_name: '', module: [{ name: 'RedisJSON', args: '' }] }],
    });
    expect(values).toEqual({
      high_availability_enabled: false,
      hostname: '',
      default_database: [{ access_keys_authentication_enabled: false, module: [{ name: 'RedisJSON' }] }],
    });
  });

  test('values of other resource types are returned unchanged', () => {
    const values = { name: '' };
    expect(withoutUnsetValues('azurerm_storage_account', values)).toBe(values);
  });
});
