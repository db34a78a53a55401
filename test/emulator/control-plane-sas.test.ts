/** The SAS rules of the local control plane at their boundaries (pure functions, no servers). */
import { ArmError, checkExportSas, checkImportSas, exportBlobName, exportPrefix, parseSasUrl } from '../../src/emulator/control-plane';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function sas(base: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams(Object.entries({ sv: '2025-01-05', sr: 'c', sp: 'racwdtm', sig: 'c2lnbmF0dXJl', ...params }).filter((e): e is [string, string] => e[1] !== undefined));
  return `${base}?${query}`;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (!(error instanceof ArmError)) throw error;
    expect(error.status).toBe(400);
    return error.code;
  }
}

const container = 'http://127.0.0.1:10000/devstoreaccount1/exports';
const valid = { st: iso(NOW - 15 * MINUTE), se: iso(NOW + 60 * MINUTE) };

describe('export SAS rules', () => {
  test('expiry: 1 h ahead passes (with one minute of slack for the seconds a minted SAS loses); less fails', () => {
    expect(codeOf(() => checkExportSas(sas(container, valid), NOW))).toBeUndefined();
    expect(codeOf(() => checkExportSas(sas(container, { ...valid, se: iso(NOW + 59 * MINUTE) }), NOW))).toBeUndefined();
    expect(codeOf(() => checkExportSas(sas(container, { ...valid, se: iso(NOW + 59 * MINUTE - 1000) }), NOW))).toBe('SasTokenExpired');
    expect(codeOf(() => checkExportSas(sas(container, { ...valid, se: iso(NOW - MINUTE) }), NOW))).toBe('SasTokenExpired');
  });

  test('start: at least 15 min back, exactly; absent is accepted', () => {
    expect(codeOf(() => checkExportSas(sas(container, { ...valid, st: iso(NOW - 15 * MINUTE + 1000) }), NOW))).toBe('SasStartTimeTooRecent');
    expect(codeOf(() => checkExportSas(sas(container, { ...valid, st: iso(NOW + MINUTE) }), NOW))).toBe('SasStartTimeTooRecent');
    expect(codeOf(() => checkExportSas(sas(container, { ...valid, st: undefined }), NOW))).toBeUndefined();
  });

  test.each(['r', 'a', 'c', 'w', 'd', 't', 'm'])('permission %s is required', (letter) => {
    expect(codeOf(() => checkExportSas(sas(container, { ...valid, sp: 'racwdtm'.replace(letter, '') + 'l' }), NOW))).toBe('InsufficientPermissions');
  });

  test('extra permissions (l, x, ...) are fine; order does not matter', () => {
    expect(codeOf(() => checkExportSas(sas(container, { ...valid, sp: 'mtdwcarlx' }), NOW))).toBeUndefined();
  });

  test.each([
    ['a blob SAS', sas(`${container}/x.gz`, { ...valid, sr: 'b' })],
    ['no signature', sas(container, { ...valid, sig: undefined })],
    ['no expiry', sas(container, { ...valid, se: undefined })],
    ['an unparsable expiry', sas(container, { ...valid, se: 'tomorrow' })],
    ['no container', sas('http://127.0.0.1:10000/devstoreaccount1', valid)],
    ['ftp', sas('ftp://127.0.0.1/devstoreaccount1/exports', valid)],
    ['a remote host', sas('https://acct.blob.core.windows.net/exports', valid)],
    ['a number', 42],
  ])('%s → InvalidSasUri', (_name, uri) => {
    expect(codeOf(() => checkExportSas(uri, NOW))).toBe('InvalidSasUri');
  });
});

describe('export blob names', () => {
  test('path-style (Azurite) URLs: the path after the container is the prefix', () => {
    const parsed = parseSasUrl(sas(`${container}/orders/2025-06-01T120000Z`, valid), 'sasUri');
    expect(parsed).toMatchObject({ accountUrl: 'http://127.0.0.1:10000/devstoreaccount1', container: 'exports', path: 'orders/2025-06-01T120000Z' });
    expect(exportPrefix(parsed, 'orders')).toBe('orders/2025-06-01T120000Z/');
    expect(exportBlobName('orders/2025-06-01T120000Z/', 'orders', 2)).toBe('orders/2025-06-01T120000Z/orders.shard2.rdb.gz');
  });

  test('a SAS on the container root exports under <cluster>/<UTC time>/', () => {
    const parsed = parseSasUrl(sas(`${container}/`, valid), 'sasUri');
    expect(parsed.path).toBe('');
    expect(exportPrefix(parsed, 'orders', new Date(NOW + 4321))).toBe('orders/2025-06-01T120004Z/');
  });

  test('localhost is path-style too', () => {
    expect(parseSasUrl(sas('http://localhost:10000/devstoreaccount1/exports/a/b', valid), 'sasUri')).toMatchObject({ container: 'exports', path: 'a/b' });
  });
});

describe('import SAS rules', () => {
  const blob = `${container}/orders/run/orders.shard0.rdb.gz`;
  test('read permission on a blob, valid now', () => {
    expect(codeOf(() => checkImportSas(sas(blob, { sr: 'b', sp: 'r', se: iso(NOW + MINUTE) }), 'sasUris[0]', NOW))).toBeUndefined();
    expect(codeOf(() => checkImportSas(sas(blob, { sr: 'b', sp: 'w', se: iso(NOW + MINUTE) }), 'sasUris[0]', NOW))).toBe('InsufficientPermissions');
    expect(codeOf(() => checkImportSas(sas(blob, { sr: 'b', sp: 'r', se: iso(NOW - 1000) }), 'sasUris[0]', NOW))).toBe('SasTokenExpired');
    expect(codeOf(() => checkImportSas(sas(blob, { sr: 'b', sp: 'r', st: iso(NOW + 1000), se: iso(NOW + MINUTE) }), 'sasUris[0]', NOW))).toBe('SasStartTimeTooRecent');
    expect(codeOf(() => checkImportSas(sas(container, { sp: 'r', se: iso(NOW + MINUTE) }), 'sasUris[0]', NOW))).toBe('InvalidSasUri');
  });
});
