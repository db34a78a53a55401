import { AZURITE_ACCOUNT_NAME, readSettings, SETTING, SettingsError } from '../../src/backup/settings';

const CACHE_ID = '/subscriptions/s/resourceGroups/rg-orders/providers/Microsoft.Cache/redisEnterprise/orders-cache';
const base = { [SETTING.cacheId]: CACHE_ID, [SETTING.containerUrl]: 'https://ordersbak.blob.core.windows.net/redis-exports' };

describe('readSettings', () => {
  test('defaults: database default, prefix = cache name, Azure endpoint, API 2025-07-01, managed identity, 90 min timeout', () => {
    expect(readSettings(base)).toEqual({
      cacheId: CACHE_ID,
      cacheName: 'orders-cache',
      database: 'default',
      containerUrl: 'https://ordersbak.blob.core.windows.net/redis-exports',
      prefix: 'orders-cache',
      schedule: undefined,
      intervalHours: undefined,
      retentionDays: undefined,
      rpoHours: undefined,
      armEndpoint: 'https://management.azure.com',
      apiVersion: '2025-07-01',
      timeoutMs: 90 * 60 * 1000,
      credential: 'managed-identity',
      emulator: undefined,
    });
  });

  test('everything the construct writes is read', () => {
    const settings = readSettings({
      ...base,
      [SETTING.prefix]: '/orders/prod/',
      [SETTING.schedule]: '0 0 */6 * * *',
      [SETTING.intervalHours]: '6',
      [SETTING.retentionDays]: '30',
      [SETTING.rpoHours]: '6',
      [SETTING.timeoutMinutes]: '30',
    });
    expect(settings).toMatchObject({ prefix: 'orders/prod', schedule: '0 0 */6 * * *', intervalHours: 6, retentionDays: 30, rpoHours: 6, timeoutMs: 30 * 60 * 1000 });
  });

  test('emulator mode: the control plane token and Azurite’s development account by default', () => {
    const settings = readSettings({ ...base, [SETTING.containerUrl]: 'http://127.0.0.1:10000/devstoreaccount1/exports', [SETTING.credential]: 'emulator', [SETTING.armEndpoint]: 'http://127.0.0.1:20000/' });
    expect(settings.armEndpoint).toBe('http://127.0.0.1:20000');
    expect(settings.emulator).toMatchObject({ armToken: 'amr-local', accountName: AZURITE_ACCOUNT_NAME });
  });

  test('every problem is reported at once', () => {
    let error: unknown;
    try {
      readSettings({ [SETTING.cacheId]: '/subscriptions/s/whatever', [SETTING.containerUrl]: 'https://a.blob.core.windows.net/c?sv=x', [SETTING.credential]: 'key', [SETTING.timeoutMinutes]: '-1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SettingsError);
    const message = (error as Error).message;
    for (const fragment of ['not a Microsoft.Cache/redisEnterprise ARM ID', 'without a SAS', "'managed-identity' or 'emulator'", 'AMR_EXPORT_TIMEOUT_MINUTES must be a positive number']) expect(message).toContain(fragment);
  });

  test('missing settings, and plain HTTP outside the emulator, are refused', () => {
    expect(() => readSettings({})).toThrow(/AMR_EXPORT_CACHE_ID is not set.*AMR_EXPORT_CONTAINER_URL is not set/);
    expect(() => readSettings({ ...base, [SETTING.containerUrl]: 'http://ordersbak.blob.core.windows.net/c' })).toThrow(/must use https outside the emulator/);
  });
});
