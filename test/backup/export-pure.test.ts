import { createHash } from 'crypto';
import {
  buildManifest,
  DEFAULT_POLLING,
  EXPORT_SAS_PERMISSIONS,
  exportPrefix,
  exportSasWindow,
  exportUrl,
  FAILURE_MARKER,
  nextPollDelayMs,
  SUCCESS_MARKER,
  telemetryLine,
  timestampSegment,
} from '../../src/backup/export';
import { readSettings, SETTING } from '../../src/backup/settings';
import { CACHE_ID } from './support';

const NOW = new Date('2025-01-02T03:04:05.678Z');
const settings = readSettings({ [SETTING.cacheId]: CACHE_ID, [SETTING.containerUrl]: 'https://ordersbak.blob.core.windows.net/redis-exports', [SETTING.schedule]: '0 0 */6 * * *', [SETTING.intervalHours]: '6', [SETTING.retentionDays]: '30' });

describe('the export SAS', () => {
  test('permissions r,a,c,w,d,t,m; start 15 min in the past; expiry at least 1 h ahead (2 h, or the timeout + 30 min)', () => {
    const window = exportSasWindow(NOW, 90 * 60 * 1000);
    expect(window.permissions).toBe('racwdtm');
    expect(EXPORT_SAS_PERMISSIONS.split('').sort()).toEqual(['a', 'c', 'd', 'm', 'r', 't', 'w']);
    expect(NOW.getTime() - window.startsOn.getTime()).toBe(15 * 60 * 1000);
    expect(window.expiresOn.getTime() - NOW.getTime()).toBe(120 * 60 * 1000);
    expect(exportSasWindow(NOW, 10 * 60 * 1000).expiresOn.getTime() - NOW.getTime()).toBe(2 * 60 * 60 * 1000);
    expect(exportSasWindow(NOW, 0).expiresOn.getTime() - NOW.getTime()).toBeGreaterThanOrEqual(60 * 60 * 1000);
  });
});

describe('prefix naming', () => {
  test('<root>/<UTC timestamp without colons>/, a suffix for a second attempt in the same second', () => {
    expect(timestampSegment(NOW)).toBe('2025-01-02T030405Z');
    expect(exportPrefix('orders-cache', NOW)).toBe('orders-cache/2025-01-02T030405Z/');
    expect(exportPrefix('/orders/prod/', NOW)).toBe('orders/prod/2025-01-02T030405Z/');
    expect(exportPrefix('orders-cache', NOW, 2)).toBe('orders-cache/2025-01-02T030405Z-2/');
  });

  test('prefixes sort by time', () => {
    const later = new Date(NOW.getTime() + 6 * 3600 * 1000);
    expect([exportPrefix('c', later), exportPrefix('c', NOW)].sort()).toEqual([exportPrefix('c', NOW), exportPrefix('c', later)]);
  });
});

describe('the polling backoff', () => {
  test('doubles from 2 s up to 60 s', () => {
    expect(Array.from({ length: 8 }, (_, i) => nextPollDelayMs(i, undefined))).toEqual([2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
    expect(DEFAULT_POLLING).toEqual({ initialMs: 2000, maxMs: 60000 });
  });

  test('follows Retry-After within the bounds', () => {
    expect(nextPollDelayMs(0, '10')).toBe(10000);
    expect(nextPollDelayMs(5, '1')).toBe(2000);
    expect(nextPollDelayMs(0, '600')).toBe(60000);
    expect(nextPollDelayMs(1, 'Wed, 21 Oct 2015 07:28:00 GMT')).toBe(4000);
    expect(nextPollDelayMs(3, undefined, { initialMs: 100, maxMs: 500 })).toBe(500);
  });
});

describe('the export call', () => {
  test('POST <arm><cache id>/databases/default/export?api-version=2025-07-01', () => {
    expect(exportUrl(settings)).toBe(`https://management.azure.com${CACHE_ID}/databases/default/export?api-version=2025-07-01`);
  });
});

describe('the manifest', () => {
  test('cache, time, blobs with sizes and sha256, duration, outcome succeeded', () => {
    const data = Buffer.from('REDIS0010...');
    const sha256 = createHash('sha256').update(data).digest('hex');
    const manifest = buildManifest({
      settings,
      prefix: 'orders-cache/2025-01-02T030405Z/',
      startedAt: NOW,
      finishedAt: new Date(NOW.getTime() + 42000),
      blobs: [
        { name: 'orders-cache/2025-01-02T030405Z/orders-cache.shard1.rdb.gz', size: 3, sha256: 'b' },
        { name: 'orders-cache/2025-01-02T030405Z/orders-cache.shard0.rdb.gz', size: data.length, sha256 },
      ],
      operation: { status: 'Succeeded', id: 'op-1' },
    });
    expect(manifest).toEqual({
      schema: 'amr.export.manifest/v1',
      outcome: 'succeeded',
      cache: { id: CACHE_ID, name: 'orders-cache', database: 'default' },
      container: 'https://ordersbak.blob.core.windows.net/redis-exports',
      prefix: 'orders-cache/2025-01-02T030405Z/',
      startedAt: '2025-01-02T03:04:05.678Z',
      finishedAt: '2025-01-02T03:04:47.678Z',
      durationMs: 42000,
      blobs: [
        { name: 'orders-cache/2025-01-02T030405Z/orders-cache.shard0.rdb.gz', size: data.length, sha256 },
        { name: 'orders-cache/2025-01-02T030405Z/orders-cache.shard1.rdb.gz', size: 3, sha256: 'b' },
      ],
      totalBytes: data.length + 3,
      schedule: '0 0 */6 * * *',
      intervalHours: 6,
      retentionDays: 30,
      operation: { status: 'Succeeded', id: 'op-1' },
    });
    expect(JSON.stringify(manifest)).not.toMatch(/sig=|sv=|AccountKey/);
  });

  test('telemetry lines start with the marker the staleness alert matches', () => {
    const line = telemetryLine(SUCCESS_MARKER, { cache: 'orders-cache', cacheId: CACHE_ID, prefix: 'orders-cache/x/', blobs: 1, bytes: 10, durationMs: 5, finishedAt: NOW.toISOString() });
    expect(line.startsWith('amr.export.succeeded {')).toBe(true);
    expect(line).toContain('"prefix":"orders-cache/');
    expect(JSON.parse(line.slice(SUCCESS_MARKER.length + 1)).blobs).toBe(1);
    expect(FAILURE_MARKER).toBe('amr.export.failed');
  });
});
