/**
 * UTF-8 helpers for the short strings of the record format (header keys, record keys). Measuring and copying
 * a short ASCII string char by char is cheaper than a call into Node's UTF-8 routines. What they remember
 * between calls lives in objects their owners hold (a batch builder's Utf8Lengths, a decoder's RecentTexts).
 */
import { Buffer } from 'node:buffer';

/** Strings up to this many chars are scanned for ASCII in JS; longer ones go to Buffer.byteLength. */
const SHORT_STRING_CHARS = 32;

/** UTF-8 byte length of `s`, as Buffer.byteLength(s, 'utf8'). */
export function utf8Length(s: string): number {
  const n = s.length;
  if (n <= SHORT_STRING_CHARS) {
    let i = 0;
    while (i < n && s.charCodeAt(i) < 0x80) i++;
    if (i === n) return n;
  }
  return Buffer.byteLength(s, 'utf8');
}

/**
 * utf8Length that remembers the last ASCII string of each length it measured: header keys repeat
 * record after record (mostly the same string objects), and an identical string is found again
 * without a scan. One per encoder (a batch builder, a writer).
 */
export class Utf8Lengths {
  private readonly recentAscii: (string | undefined)[] = new Array<string | undefined>(SHORT_STRING_CHARS + 1);

  of(s: string): number {
    const n = s.length;
    if (n <= SHORT_STRING_CHARS) {
      if (this.recentAscii[n] === s) return n;
      let i = 0;
      while (i < n && s.charCodeAt(i) < 0x80) i++;
      if (i === n) {
        this.recentAscii[n] = s;
        return n;
      }
    }
    return Buffer.byteLength(s, 'utf8');
  }
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

const RECENT_TEXT_SLOTS = 8;
const RECENT_TEXT_MAX_BYTES = 64;

/**
 * Texts last decoded, by slot (a header's position in its record), with their bytes. Records
 * mostly repeat some values (the content type of every record), so a byte compare with the
 * previous value at that slot replaces a UTF-8 decode. One per decoder.
 */
export class RecentTexts {
  private readonly texts: (string | undefined)[] = [];
  private readonly bytes: (Uint8Array | undefined)[] = [];

  /** The UTF-8 text of buf[start, end), reusing the slot's previous text when the bytes are the same. */
  text(buf: Buffer, start: number, end: number, slot: number): string {
    const n = end - start;
    const cached = slot < RECENT_TEXT_SLOTS && n <= RECENT_TEXT_MAX_BYTES;
    if (cached) {
      const bytes = this.bytes[slot];
      if (bytes !== undefined && bytes.length === n) {
        // From the end: values that differ (ids, counters) mostly differ there.
        let i = n - 1;
        while (i >= 0 && buf[start + i] === bytes[i]) i--;
        if (i < 0) return this.texts[slot]!;
      }
    }
    // toString() without arguments is UTF-8 without the encoding lookup.
    const text = start === 0 && end === buf.length ? buf.toString() : buf.toString('utf8', start, end);
    if (cached) {
      this.texts[slot] = text;
      // Values that change every record (ids) mostly keep their length: their bytes are copied over.
      let kept = this.bytes[slot];
      if (kept === undefined || kept.length !== n) this.bytes[slot] = kept = new Uint8Array(n);
      for (let i = 0; i < n; i++) kept[i] = buf[start + i];
    }
    return text;
  }
}
