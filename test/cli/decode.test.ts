import { decodeUtf8 } from '../../src/cli/inputs/decode';

describe('decodeUtf8', () => {
  const cases: Array<[string, Buffer]> = [
    ['ASCII', Buffer.from('{"resource_changes": [{"address": "azurerm_managed_redis.a\\u2192"}]}\n', 'utf8')],
    ['empty', Buffer.alloc(0)],
    ['Latin-1 letters', Buffer.from('{"name": "café"}', 'utf8')],
    ['an arrow and an emoji', Buffer.from('VolatileLRU → AllKeysLRU 🚀', 'utf8')],
    ['a byte-order mark', Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d])],
    ['an invalid sequence', Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0x7d])],
    ['a byte above 0x7f that is valid Latin-1 but not UTF-8', Buffer.from([0x61, 0xe9, 0x62])],
  ];

  it.each(cases)('%s: the same text as the UTF-8 decoder', (_, bytes) => {
    expect(decodeUtf8(bytes)).toBe(bytes.toString('utf8'));
  });

  it('reads a view of part of a larger buffer, not the whole', () => {
    const whole = new Uint8Array(Buffer.from('xx{"a": "é"}yy', 'utf8'));
    const view = whole.subarray(2, whole.length - 2);
    expect(decodeUtf8(view)).toBe('{"a": "é"}');
    expect(decodeUtf8(whole.subarray(2, 6))).toBe('{"a"');
  });
});
