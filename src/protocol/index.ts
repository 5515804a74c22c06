/**
 * The protocol room's public face: wire primitives, Kafka message codecs (generated schema tables),
 * record batches, compression codecs, error codes and CRC32C.
 */
export * from './primitives';
export * from './messages';
export * from './records';
export * from './compression';
export * from './errorCodes';
export * from './crc32c';
