// The cache the user-lookup server reads through. Anything with these two methods will do:
// memcache-cache.ts is the memcached one, redis-cache.ts the Redis one.

/** A byte cache with per-entry time-to-live. */
export interface Cache {
  /** The cached bytes, or `null` on a miss. */
  get(key: string): Promise<Buffer | null>;
  /** Stores `value` for `ttl` seconds (0: no expiry). */
  set(key: string, value: Buffer, ttl: number): Promise<void>;
}
