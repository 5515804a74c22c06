/**
 * Finds a header's value in a record's bytes and returns it as text, for the FetchedRecords of one
 * decoder: it holds what the lookups reuse — the scan position, the looked-up names' bytes and the
 * texts last returned — so no module state is shared between decoders.
 */
import { Buffer } from 'node:buffer';
import { RecentTexts, utf8Length } from '../primitives/utf8';
import { isHeaderNamed } from './FetchedRecord';

/** Names looked up per reader (a handful per application: content-type, message-id...). */
const NAME_BYTES_CACHE_LIMIT = 256;

const lowerAscii = (c: number): number => (c >= 0x41 && c <= 0x5a ? c + 0x20 : c);

/**
 * isHeaderNamed for a key still in its bytes, `nameBytes` being the name's when it is ASCII.
 * Against an ASCII name a key can only match with as many chars as the name has bytes: a key with
 * fewer bytes has fewer chars; a key of the name's length matches byte for byte ignoring ASCII
 * case, and an ASCII byte that differs rules it out whatever follows (non-ASCII bytes after it
 * leave the key fewer chars than bytes, or U+FFFDs that match nothing). Anything else is compared
 * as text.
 */
function isKeyNamed(buf: Buffer, at: number, length: number, name: string, nameBytes: Uint8Array | null): boolean {
  if (nameBytes !== null) {
    if (length < nameBytes.length) return false;
    if (length === nameBytes.length) {
      for (let i = 0; i < length; i++) {
        const b = buf[at + i];
        const c = nameBytes[i];
        if (b === c) continue;
        if (b >= 0x80) return isHeaderNamed(buf.toString('utf8', at, at + length), name);
        if (lowerAscii(b) !== lowerAscii(c)) return false;
      }
      return true;
    }
    let ascii = 0;
    while (ascii < length && buf[at + ascii] < 0x80) ascii++;
    if (ascii === length) return false;
  }
  return isHeaderNamed(buf.toString('utf8', at, at + length), name);
}

export class HeaderTextReader {
  /** Where the VARINT last read by varintAt ends (no object per read). */
  private afterVarint = 0;
  /** Names looked up → their bytes when ASCII, else null. */
  private nameBytes: Map<string, Uint8Array | null> | undefined = undefined;
  /** Made on the first lookup: a decoder whose records nobody asks about allocates nothing more. */
  private texts: RecentTexts | undefined = undefined;

  /**
   * The value of the last header named `name` among the headers at `buf[headersAt…]` (count and
   * headers, already checked by skipHeaders) as UTF-8 text; undefined when there is none or it is null.
   */
  headerText(buf: Buffer, headersAt: number, name: string): string | undefined {
    const nameBytes = this.asciiBytesOf(name);
    const count = this.varintAt(buf, headersAt);
    let at = this.afterVarint;
    let slot = -1;
    let valueAt = 0;
    let valueLength = -1;
    for (let i = 0; i < count; i++) {
      const keyLength = this.varintAt(buf, at);
      const keyAt = this.afterVarint;
      const length = this.varintAt(buf, keyAt + keyLength);
      at = this.afterVarint;
      if (isKeyNamed(buf, keyAt, keyLength, name, nameBytes)) {
        slot = i;
        valueAt = at;
        valueLength = length;
      }
      if (length > 0) at += length;
    }
    return slot < 0 || valueLength < 0 ? undefined : (this.texts ??= new RecentTexts()).text(buf, valueAt, valueAt + valueLength, slot);
  }

  private asciiBytesOf(name: string): Uint8Array | null {
    const known = (this.nameBytes ??= new Map());
    let bytes = known.get(name);
    if (bytes === undefined) {
      bytes = utf8Length(name) === name.length ? Buffer.from(name, 'latin1') : null;
      if (known.size < NAME_BYTES_CACHE_LIMIT) known.set(name, bytes);
    }
    return bytes;
  }

  /** The zigzag VARINT at buf[at], of headers already checked by skipHeaders (so no bounds checks here). */
  private varintAt(buf: Buffer, at: number): number {
    let b = buf[at++];
    if (b < 0x80) {
      // One byte (header counts and short lengths): integer arithmetic only.
      this.afterVarint = at;
      return (b >>> 1) ^ -(b & 1);
    }
    let u = b & 0x7f;
    for (let scale = 0x80; b >= 0x80; scale *= 0x80) {
      b = buf[at++];
      u += (b & 0x7f) * scale;
    }
    this.afterVarint = at;
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }
}
