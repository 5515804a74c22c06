/** The protocol room: wire primitives, Kafka message codecs, error codes, CRC32C (records and compression join as they land). */
export * from './primitives';
export * from './messages';
export * from './errorCodes';
export * from './crc32c';
