import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Utils;

/**
 * Checks bindery's record batches with Apache Kafka's own client code, in one JVM run driven by
 * files in a work directory (args: workDir, comma-separated partition counts):
 *   - reads every bindery-*.bin with MemoryRecords, calls ensureValid() on each batch and record,
 *     and reports what it read;
 *   - writes java-<codec>.bin with MemoryRecordsBuilder for every codec and reports what it wrote;
 *   - reports Utils.murmur2 and toPositive(murmur2) % n for each base64 key in murmur-keys.txt.
 * The report is report.jsonl in the work directory, one JSON object per line.
 */
public class RecordBatchProbe {
  private static final String[] CODECS = {"none", "gzip", "snappy", "lz4", "zstd"};

  public static void main(String[] args) throws IOException {
    Path dir = Paths.get(args[0]);
    int[] partitionCounts = Stream.of(args[1].split(",")).mapToInt(Integer::parseInt).toArray();
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(dir.resolve("report.jsonl"), StandardCharsets.UTF_8))) {
      List<Path> inputs;
      try (Stream<Path> files = Files.list(dir)) {
        inputs = files.filter(p -> p.getFileName().toString().matches("bindery-.*\\.bin")).sorted().collect(Collectors.toList());
      }
      for (Path input : inputs) read(input, out);
      for (String codec : CODECS) write(dir, codec, out);
      murmur(dir.resolve("murmur-keys.txt"), partitionCounts, out);
    }
  }

  private static void read(Path file, PrintWriter out) throws IOException {
    String name = file.getFileName().toString();
    MemoryRecords records = MemoryRecords.readableRecords(ByteBuffer.wrap(Files.readAllBytes(file)));
    int index = 0;
    try {
      for (MutableRecordBatch batch : records.batches()) {
        batch.ensureValid();
        out.println("{\"kind\":\"read-batch\",\"file\":" + str(name) + ",\"index\":" + index
            + ",\"codec\":" + str(batch.compressionType().name)
            + ",\"magic\":" + batch.magic()
            + ",\"baseOffset\":" + batch.baseOffset()
            + ",\"lastOffset\":" + batch.lastOffset()
            + ",\"count\":" + batch.countOrNull()
            + ",\"producerId\":" + batch.producerId()
            + ",\"producerEpoch\":" + batch.producerEpoch()
            + ",\"baseSequence\":" + batch.baseSequence()
            + ",\"transactional\":" + batch.isTransactional()
            + ",\"control\":" + batch.isControlBatch()
            + ",\"timestampType\":" + str(batch.timestampType().name)
            + ",\"maxTimestamp\":" + batch.maxTimestamp()
            + ",\"partitionLeaderEpoch\":" + batch.partitionLeaderEpoch()
            + ",\"sizeInBytes\":" + batch.sizeInBytes() + "}");
        for (Record record : batch) {
          record.ensureValid();
          out.println("{\"kind\":\"read-record\",\"file\":" + str(name) + ",\"index\":" + index
              + ",\"offset\":" + record.offset()
              + ",\"sequence\":" + record.sequence()
              + ",\"timestamp\":" + record.timestamp()
              + ",\"key\":" + b64(record.key())
              + ",\"value\":" + b64(record.value())
              + ",\"headers\":" + headers(record.headers()) + "}");
        }
        index++;
      }
    } catch (RuntimeException e) {
      // Reported rather than thrown, so the other files and codecs are still checked.
      out.println("{\"kind\":\"read-error\",\"file\":" + str(name) + ",\"index\":" + index + ",\"error\":" + str(e.toString()) + "}");
    }
  }

  private static Compression compression(String codec) {
    switch (codec) {
      case "none": return Compression.NONE;
      case "gzip": return Compression.gzip().build();
      case "snappy": return Compression.snappy().build();
      case "lz4": return Compression.lz4().build();
      case "zstd": return Compression.zstd().build();
      default: throw new IllegalArgumentException(codec);
    }
  }

  /**
   * Two batches per codec. The first: CreateTime, idempotent producer, 400 records of ~200 bytes
   * (more than one lz4 / snappy block once compressed), out-of-order timestamps. The second:
   * LogAppendTime, transactional, offsets with gaps as the log cleaner leaves them.
   */
  private static void write(Path dir, String codec, PrintWriter out) throws IOException {
    long baseOffset = 1000;
    MemoryRecordsBuilder created = MemoryRecords.builder(ByteBuffer.allocate(1 << 16), RecordBatch.MAGIC_VALUE_V2, compression(codec),
        TimestampType.CREATE_TIME, baseOffset, RecordBatch.NO_TIMESTAMP, 4242L, (short) 7, 100, false, 9);
    out.println(wroteBatch(codec, 0, baseOffset, 4242L, 7, 100, false, "CreateTime", -1, 9));
    for (int i = 0; i < 400; i++) {
      long timestamp = 1700000000000L + (i * 7919L) % 1000;
      byte[] key = i % 5 == 0 ? null : i == 1 ? new byte[0] : utf8("java-key-" + i);
      byte[] value = i % 9 == 4 ? null : utf8("{\"n\":" + i + ",\"text\":\"" + "Kafka record batch ".repeat(1 + i % 17) + "\"}");
      Header[] headers = i % 4 == 0 ? new Header[0] : new Header[] {
        new RecordHeader("trace-" + i, utf8(Integer.toHexString(i * 31))),
        new RecordHeader("empty", new byte[0]),
        new RecordHeader("nul\u00e9", null),
      };
      created.appendWithOffset(baseOffset + i, timestamp, key, value, headers);
      out.println(wroteRecord(codec, 0, baseOffset + i, timestamp, key, value, headers));
    }
    byte[] first = bytesOf(created.build());

    long logAppendTime = 1800000000123L;
    baseOffset = 2000;
    MemoryRecordsBuilder appended = MemoryRecords.builder(ByteBuffer.allocate(1 << 12), RecordBatch.MAGIC_VALUE_V2, compression(codec),
        TimestampType.LOG_APPEND_TIME, baseOffset, logAppendTime, 5000L, (short) 0, 0, true, 10);
    out.println(wroteBatch(codec, 1, baseOffset, 5000L, 0, 0, true, "LogAppendTime", logAppendTime, 10));
    long offset = baseOffset;
    for (int i = 0; i < 25; i++) {
      long timestamp = 1700000500000L + i;
      byte[] key = utf8("k\u00fc" + i);
      byte[] value = i == 24 ? null : utf8("gap " + i);
      Header[] headers = {new RecordHeader("i", new byte[] {(byte) i, (byte) (255 - i)})};
      appended.appendWithOffset(offset, timestamp, key, value, headers);
      out.println(wroteRecord(codec, 1, offset, timestamp, key, value, headers));
      offset += 1 + i % 4;
    }
    byte[] second = bytesOf(appended.build());
    byte[] file = new byte[first.length + second.length];
    System.arraycopy(first, 0, file, 0, first.length);
    System.arraycopy(second, 0, file, first.length, second.length);
    Files.write(dir.resolve("java-" + codec + ".bin"), file);
  }

  private static byte[] bytesOf(MemoryRecords records) {
    ByteBuffer buffer = records.buffer();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  private static String wroteBatch(String codec, int index, long baseOffset, long producerId, int producerEpoch,
      int baseSequence, boolean transactional, String timestampType, long logAppendTime, int leaderEpoch) {
    return "{\"kind\":\"wrote-batch\",\"codec\":" + str(codec) + ",\"index\":" + index
        + ",\"baseOffset\":" + baseOffset + ",\"producerId\":" + producerId + ",\"producerEpoch\":" + producerEpoch
        + ",\"baseSequence\":" + baseSequence + ",\"transactional\":" + transactional
        + ",\"timestampType\":" + str(timestampType) + ",\"logAppendTime\":" + logAppendTime
        + ",\"partitionLeaderEpoch\":" + leaderEpoch + "}";
  }

  private static String wroteRecord(String codec, int index, long offset, long timestamp, byte[] key, byte[] value, Header[] headers) {
    return "{\"kind\":\"wrote-record\",\"codec\":" + str(codec) + ",\"index\":" + index
        + ",\"offset\":" + offset + ",\"timestamp\":" + timestamp
        + ",\"key\":" + b64(key) + ",\"value\":" + b64(value) + ",\"headers\":" + headers(headers) + "}";
  }

  private static void murmur(Path keysFile, int[] partitionCounts, PrintWriter out) throws IOException {
    for (String line : Files.readAllLines(keysFile, StandardCharsets.US_ASCII)) {
      String trimmed = line.trim();
      if (trimmed.equals("-")) trimmed = "";
      else if (trimmed.isEmpty()) continue;
      byte[] key = Base64.getDecoder().decode(trimmed);
      int hash = Utils.murmur2(key);
      StringBuilder partitions = new StringBuilder("[");
      for (int i = 0; i < partitionCounts.length; i++) {
        if (i > 0) partitions.append(',');
        partitions.append(Utils.toPositive(hash) % partitionCounts[i]);
      }
      out.println("{\"kind\":\"murmur\",\"key\":" + b64(key) + ",\"hash\":" + hash + ",\"partitions\":" + partitions + "]}");
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String headers(Header[] headers) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < headers.length; i++) {
      if (i > 0) sb.append(',');
      sb.append("{\"key\":").append(str(headers[i].key())).append(",\"value\":").append(b64(headers[i].value())).append('}');
    }
    return sb.append(']').toString();
  }

  private static String b64(byte[] bytes) {
    return bytes == null ? "null" : "\"" + Base64.getEncoder().encodeToString(bytes) + "\"";
  }

  private static String b64(ByteBuffer buffer) {
    if (buffer == null) return "null";
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return b64(bytes);
  }

  /** A JSON string; everything outside printable ASCII as a \\u escape, which JSON.parse reads back exactly. */
  private static String str(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') sb.append(String.format("\\u%04x", (int) c));
      else sb.append(c);
    }
    return sb.append('"').toString();
  }
}
