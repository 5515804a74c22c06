/**
 * Tagged-field handling for the flexible (v4+) coordinator record layouts. These records carry no
 * tagged fields of their own, so writing means an empty section (uvarint 0) and reading skips any.
 *   TAGGED_FIELDS: uvarint count, then per field: uvarint tag, uvarint size, size bytes
 */
import { ByteReader, ByteWriter } from '../primitives';

export class FlexibleWriter extends ByteWriter {
  emptyTaggedFields(): this {
    return this.uvarint(0);
  }
}

export class FlexibleReader extends ByteReader {
  skipTaggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.skip(this.uvarint());
    }
  }
}
