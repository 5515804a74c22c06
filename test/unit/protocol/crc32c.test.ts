import * as path from 'node:path';
import { crc32c, crc32cImplementation, crc32cJs, crc32cNative, type Crc32cFunction } from '../../../src/protocol/crc32c';
import { describeWithReference, readCapture } from '../../support/referenceData';

const implementations: [string, Crc32cFunction][] = [['js', crc32cJs]];
if (crc32cNative !== null) implementations.push(['native', crc32cNative]);

describe.each(implementations)('crc32c (%s)', (_name, crc) => {
  test('standard check value of "123456789" is 0xE3069283', () => {
    expect(crc(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  test('iSCSI (RFC 3720 B.4) vectors', () => {
    expect(crc(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    expect(crc(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc(Buffer.from(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
    expect(crc(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)))).toBe(0x113fdb5c);
  });

  test('empty input is 0 and a single NUL byte matches kafkajs', () => {
    expect(crc(Buffer.alloc(0))).toBe(0);
    expect(crc(Buffer.from('\u0000'))).toBe(1383945041);
  });

  test('continues from a previous CRC like one pass over the concatenation', () => {
    const data = Buffer.from('The quick brown fox jumps over the lazy dog, twice over for length.');
    for (const cut of [0, 1, 7, 8, 9, 33, data.length]) {
      expect(crc(data.subarray(cut), crc(data.subarray(0, cut)))).toBe(crc(data));
    }
  });

  test('reads views at any byte offset', () => {
    const backing = Buffer.from('xx123456789yy');
    expect(crc(backing.subarray(2, 11))).toBe(0xe3069283);
    expect(crc(new Uint8Array(backing.buffer, backing.byteOffset + 2, 9))).toBe(0xe3069283);
  });
});

describeWithReference('crc32c against kafkajs captures', (dir) => {
  test.each(implementations)('%s matches the checksum Java computes for a record batch body', (_name, crc) => {
    const payload = readCapture(path.join(dir, 'kafkajs-fixtures/recordBatch/crc32C/fixtures/crcPayload.json'));
    expect(crc(payload)).toBe(818496390);
  });
});

describe('crc32c implementations agree', () => {
  const native = crc32cNative;
  (native === null ? test.skip : test)('JS and native agree on every length and alignment up to 300 bytes', () => {
    const data = Buffer.alloc(320);
    let seed = 12345;
    for (let i = 0; i < data.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      data[i] = seed >>> 24;
    }
    for (let start = 0; start < 9; start++) {
      for (let len = 0; len <= 300; len += 1) {
        const view = data.subarray(start, start + len);
        expect(crc32cJs(view, 7)).toBe(native!(view, 7));
      }
    }
  });

  test('the default uses the native module when it loads', () => {
    expect(crc32cImplementation).toBe(crc32cNative !== null ? 'native' : 'js');
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  test('falls back to the JS implementation when the native module cannot load', () => {
    jest.isolateModules(() => {
      jest.doMock('@node-rs/crc32', () => {
        throw new Error('no prebuilt binary for this platform');
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const isolated = require('../../../src/protocol/crc32c') as typeof import('../../../src/protocol/crc32c');
      expect(isolated.crc32cImplementation).toBe('js');
      expect(isolated.crc32cNative).toBeNull();
      expect(isolated.crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    });
    jest.dontMock('@node-rs/crc32');
  });
});
