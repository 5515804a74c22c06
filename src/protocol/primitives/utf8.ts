/**
 * UTF-8 helpers for the short strings of the record format (header keys, record keys). Measuring and copying
 * a short ASCII string char by char is cheaper than a call into Node's UTF-8 routines.
 */
import { Buffer } from 'node:buffer';

/** Strings up to this many chars are scanned for ASCII in JS; longer ones go to Buffer.byteLength. */
const SHORT_STRING_CHARS = 32;

/**
 * The last ASCII string of each length that was measured: header keys repeat record after record
 * (mostly the same string objects), and an identical string is found again without a scan.
 */
const recentAscii: (string | undefined)[] = new Array<string | undefined>(SHORT_STRING_CHARS + 1);

/** UTF-8 byte length of `s`, as Buffer.byteLength(s, 'utf8'). */
export function utf8Length(s: string): number {
  const n = s.length;
  if (n <= SHORT_STRING_CHARS) {
    if (recentAscii[n] === s) return n;
    let i = 0;
    while (i < n && s.charCodeAt(i) < 0x80) i++;
    if (i === n) {
      recentAscii[n] = s;
      return n;
    }
  }
  return Buffer.byteLength(s, 'utf8');
}

/**
 * The UTF-8 bytes of `s` in a new Buffer, as Buffer.from(s). A short ASCII string (a record key
 * such as an id) is copied char by char into a pooled Buffer: no call into Node's encoder.
 */
export function utf8Bytes(s: string): Buffer {
  const n = s.length;
  if (n <= SHORT_STRING_CHARS && utf8Length(s) === n) {
    const bytes = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) bytes[i] = s.charCodeAt(i);
    return bytes;
  }
  return Buffer.from(s);
}
