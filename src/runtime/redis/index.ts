export { RedisIdempotencyStore, type RedisIdempotencyStoreOptions } from './RedisIdempotencyStore';
