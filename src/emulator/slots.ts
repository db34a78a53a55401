/** Redis Cluster hash slots: CRC16 (XMODEM) of the key, or of its {hash tag}, modulo 16384. */

export const SLOT_COUNT = 16384;

const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let j = 0; j < 8; j++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

export function crc16(data: Buffer): number {
  let crc = 0;
  for (let i = 0; i < data.length; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ data[i]) & 0xff];
  return crc;
}

/** The slot of a key, honouring `{hash tags}` as Redis Cluster does. */
export function keySlot(key: Buffer | string): number {
  const data = Buffer.isBuffer(key) ? key : Buffer.from(key);
  const open = data.indexOf(0x7b); // {
  if (open >= 0) {
    const close = data.indexOf(0x7d, open + 1); // }
    if (close > open + 1) return crc16(data.subarray(open + 1, close)) % SLOT_COUNT;
  }
  return crc16(data) % SLOT_COUNT;
}

/** Splits 0..16383 into `shards` contiguous ranges, as `redis-cli --cluster create` does. */
export function slotRanges(shards: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < shards; i++) {
    const from = Math.floor((i * SLOT_COUNT) / shards);
    const to = Math.floor(((i + 1) * SLOT_COUNT) / shards) - 1;
    ranges.push([from, to]);
  }
  return ranges;
}
