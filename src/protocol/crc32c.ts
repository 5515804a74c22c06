/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of RecordBatch v2.
 * Node's zlib.crc32 is CRC-32/IEEE and must not be used.
 *
 * The native @node-rs/crc32 (SSE4.2 / ARMv8 CRC instructions) is used when it loads; a pure
 * JS slicing-by-8 implementation stands in when it does not (unsupported platform, missing
 * prebuilt binary). Both are exported so benchmarks and tests can compare them.
 */

export type Crc32cFunction = (data: Uint8Array, initial?: number) => number;

const POLY = 0x82f63b78;

/** Eight 256-entry tables: TABLES[k * 256 + b] is the CRC of byte b followed by k zero bytes. */
const TABLES = (() => {
  const t = new Int32Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let j = 0; j < 8; j++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[i] = c;
  }
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const prev = t[(k - 1) * 256 + i];
      t[k * 256 + i] = (prev >>> 8) ^ t[prev & 0xff];
    }
  }
  return t;
})();

/**
 * Pure JS CRC-32C, slicing-by-8. `initial` is the CRC of the preceding bytes, so
 * crc32cJs(b, crc32cJs(a)) === crc32cJs(a ++ b), the same contract as the native one.
 */
export function crc32cJs(data: Uint8Array, initial = 0): number {
  const t = TABLES;
  let crc = ~initial;
  let i = 0;
  const len = data.length;
  const end8 = len - (len & 7);
  while (i < end8) {
    const a = crc ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
    crc =
      t[1792 + (a & 0xff)] ^
      t[1536 + ((a >>> 8) & 0xff)] ^
      t[1280 + ((a >>> 16) & 0xff)] ^
      t[1024 + (a >>> 24)] ^
      t[768 + data[i + 4]] ^
      t[512 + data[i + 5]] ^
      t[256 + data[i + 6]] ^
      t[data[i + 7]];
    i += 8;
  }
  while (i < len) {
    crc = t[(crc ^ data[i++]) & 0xff] ^ (crc >>> 8);
  }
  return ~crc >>> 0;
}

function loadNative(): Crc32cFunction | null {
  try {
    // Loaded lazily so that a platform without a prebuilt binary falls back instead of failing to start.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const native = (require('@node-rs/crc32') as typeof import('@node-rs/crc32')).crc32c;
    return (data, initial = 0) => native(data, initial) >>> 0;
  } catch {
    return null;
  }
}

/** The native implementation, or null when @node-rs/crc32 could not be loaded on this platform. */
export const crc32cNative: Crc32cFunction | null = loadNative();

/** Which implementation `crc32c` uses in this process. */
export const crc32cImplementation: 'native' | 'js' = crc32cNative !== null ? 'native' : 'js';

/** CRC-32C of `data`, continuing from `initial` (the CRC of preceding bytes; 0 to start). */
export const crc32c: Crc32cFunction = crc32cNative ?? crc32cJs;
