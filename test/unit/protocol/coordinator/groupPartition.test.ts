import { coordinatorPartitionFor, javaStringHashCode } from '../../../../src/protocol/coordinator';

describe('coordinator partition of a group', () => {
  it('hashes like java.lang.String.hashCode', () => {
    // Values Java prints for these strings.
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('test-group')).toBe(627841412);
    expect(javaStringHashCode('hello')).toBe(99162322);
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
  });

  it('hashes UTF-16 code units, surrogate pairs included', () => {
    // 'é' is one code unit (233); '😀' is two (0xD83D, 0xDE00).
    expect(javaStringHashCode('é')).toBe(233);
    expect(javaStringHashCode('😀')).toBe(0xd83d * 31 + 0xde00);
  });

  it('maps test-group to partition 12 of 50', () => {
    expect(coordinatorPartitionFor('test-group')).toBe(12);
  });

  it('maps a negative hash through its absolute value and Integer.MIN_VALUE to 0', () => {
    const negative = 'consumer-group-42';
    const h = javaStringHashCode(negative);
    expect(coordinatorPartitionFor(negative)).toBe(Math.abs(h) % 50);
    expect(coordinatorPartitionFor('polygenelubricants')).toBe(0);
    expect(coordinatorPartitionFor('test-group', 10)).toBe(2);
  });
});
