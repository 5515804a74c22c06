import { murmur2, partitionForKey, toPositive } from '../../../src/protocol/murmur2';

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('murmur2 (Kafka Java client compatible)', () => {
  // Expectations published in Apache Kafka's UtilsTest.testMurmur2.
  test.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('Kafka UtilsTest: murmur2(%j) = %d', (key, expected) => {
    expect(murmur2(utf8(key))).toBe(expected);
  });

  // Expectations kafkajs generated with the Java client for its Java-compatible partitioner.
  test.each([
    ['0', 971027396],
    ['1', -1993445489],
    ['128', -326012175],
    ['2187', -1508407203],
    ['16384', -325739742],
    ['78125', -1654490814],
    ['279936', 1462227128],
    ['823543', -2014198330],
    ['2097152', 607668903],
    ['4782969', -1182699775],
    ['10000000', -1830336757],
    ['19487171', -1603849305],
    ['35831808', -857013643],
    ['62748517', -1167431028],
    ['105413504', -381294639],
    ['170859375', -1658323481],
    ['100:48069', 1009543857],
  ])('Java client: murmur2(%j) = %d', (key, expected) => {
    expect(murmur2(utf8(key))).toBe(expected);
  });

  test('bytes >= 0x80 are taken unsigned, as Java masks them with 0xff', () => {
    // Every tail length (0-3) with high bytes, compared against kafkajs' Java-compatible murmur2.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: Buffer) => number;
    for (let len = 0; len < 12; len++) {
      const key = Buffer.alloc(len, 0xf0 + len);
      expect(murmur2(key)).toBe(kafkajsMurmur2(key));
    }
    expect(murmur2(utf8('ключ-κλειδί-鍵'))).toBe(kafkajsMurmur2(utf8('ключ-κλειδί-鍵')));
  });

  test('the empty key hashes like the Java client', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: Buffer) => number;
    expect(murmur2(Buffer.alloc(0))).toBe(kafkajsMurmur2(Buffer.alloc(0)));
  });
});

describe('partitionForKey', () => {
  test('toPositive clears the sign bit rather than negating', () => {
    expect(toPositive(-1)).toBe(0x7fffffff);
    expect(toPositive(-973932308)).toBe(-973932308 & 0x7fffffff);
    expect(toPositive(479470107)).toBe(479470107);
    expect(toPositive(-2147483648)).toBe(0);
  });

  test('matches kafkajs default (Java-compatible) partitioner over many keys and partition counts', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Partitioners } = require('kafkajs') as {
      Partitioners: { DefaultPartitioner: () => (args: { topic: string; partitionMetadata: unknown[]; message: { key: Buffer } }) => number };
    };
    const theirs = Partitioners.DefaultPartitioner();
    for (const n of [1, 2, 3, 6, 12, 50, 101]) {
      const partitionMetadata = Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: 0 }));
      for (let i = 0; i < 300; i++) {
        const key = utf8(`order-${i * 7919}`);
        const p = partitionForKey(key, n);
        expect(p).toBe(theirs({ topic: 't', partitionMetadata, message: { key } }));
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(n);
      }
    }
  });

  test('a known key lands where the Java client puts it', () => {
    // murmur2("foobar") = -790332482 → toPositive = 1357151166 → % 10 = 6.
    expect(partitionForKey(utf8('foobar'), 10)).toBe(6);
    expect(partitionForKey(utf8('abc'), 7)).toBe(479470107 % 7);
  });

  test('refuses a partition count that is not a positive integer', () => {
    expect(() => partitionForKey(utf8('k'), 0)).toThrow(RangeError);
    expect(() => partitionForKey(utf8('k'), 2.5)).toThrow(RangeError);
  });
});
