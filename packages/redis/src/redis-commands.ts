import type { Deferred } from "@torsion/defer";
import * as to from "./reply-converters.js";
import type { ReplyConverter } from "./reply-converters.js";
import type { RedisArgument } from "./resp-encoder.js";
import type { RespValue } from "./resp-types.js";

/** Options of {@link RedisCommands.set}. */
export interface SetOptions {
  /** Expire after this many seconds (`EX`). */
  readonly ex?: number;
  /** Expire after this many milliseconds (`PX`). */
  readonly px?: number;
  /** Only set if the key does not exist (`NX`). */
  readonly nx?: boolean;
  /** Only set if the key exists (`XX`). */
  readonly xx?: boolean;
  /** Keep the key's time to live (`KEEPTTL`). */
  readonly keepTtl?: boolean;
}

/** Options of the `SCAN` family iterators. */
export interface ScanOptions {
  /** Only keys matching this glob (`MATCH`). */
  readonly match?: string;
  /** A hint of how many to fetch per call (`COUNT`). */
  readonly count?: number;
  /** Only keys of this type (`TYPE`, `SCAN` only). */
  readonly type?: string;
}

/** `EXPIRE` conditions (Redis 7). */
export type ExpireCondition = "NX" | "XX" | "GT" | "LT";

/**
 * The typed helpers for the common commands, over one method {@link sendCommand} that
 * both {@link RedisProtocol} (one connection) and {@link RedisClient} (a reconnecting
 * service) implement. Each helper sends exactly the command its name says and converts
 * the reply (accepting both its RESP2 and RESP3 shape). A reply error fails the returned
 * Deferred with a `RedisError`; the connection stays up.
 *
 * Keys and values are `RedisArgument`s (strings are sent as UTF-8); values come back as
 * `Buffer`s (binary-safe) except where the helper's name says string (`getString`).
 */
export abstract class RedisCommands {
  /**
   * Sends one command; its reply (converted by `convert`, if given) fires the Deferred.
   * Cancelling the Deferred drops the reply when it comes (the queue stays aligned).
   */
  abstract sendCommand<T = RespValue>(args: readonly RedisArgument[], convert?: ReplyConverter<T>): Deferred<T>;

  /** Any command: `command("HSET", "h", "f", "v")`. The raw decoded reply. */
  command(name: string, ...args: RedisArgument[]): Deferred<RespValue> {
    return this.sendCommand([name, ...args]);
  }

  // --- server and connection
  /** `PING [message]`: `"PONG"` (or the message). In RESP2 subscribed mode the `pong` array is unwrapped. */
  ping(message?: string): Deferred<string> {
    return this.sendCommand(message === undefined ? ["PING"] : ["PING", message], (value) =>
      Array.isArray(value) ? (message === undefined ? "PONG" : to.toText(value[1] ?? "")) : to.toText(value),
    );
  }
  /** `ECHO message`. */
  echo(message: RedisArgument): Deferred<string> {
    return this.sendCommand(["ECHO", message], to.toText);
  }
  /** `FLUSHDB`. */
  flushdb(): Deferred<boolean> {
    return this.sendCommand(["FLUSHDB"], to.toOk);
  }
  /** `DBSIZE`. */
  dbsize(): Deferred<number> {
    return this.sendCommand(["DBSIZE"], to.toInteger);
  }
  /** `INFO [section]` as text. */
  info(section?: string): Deferred<string> {
    return this.sendCommand(section === undefined ? ["INFO"] : ["INFO", section], to.toText);
  }
  /** `PUBLISH channel message`: how many subscribers received it. */
  publish(channel: RedisArgument, message: RedisArgument): Deferred<number> {
    return this.sendCommand(["PUBLISH", channel, message], to.toInteger);
  }

  // --- strings
  /** `GET key` as bytes, or null. */
  get(key: RedisArgument): Deferred<Buffer | null> {
    return this.sendCommand(["GET", key], to.toBufferOrNull);
  }
  /** `GET key` as UTF-8 text, or null. */
  getString(key: RedisArgument): Deferred<string | null> {
    return this.sendCommand(["GET", key], to.toStringOrNull);
  }
  /** `SET key value [EX s|PX ms] [NX|XX] [KEEPTTL]`: true when set, false when `NX`/`XX` prevented it. */
  set(key: RedisArgument, value: RedisArgument, options?: SetOptions): Deferred<boolean> {
    if (options === undefined) return this.sendCommand(["SET", key, value], to.toOk);
    const args: RedisArgument[] = ["SET", key, value];
    if (options.ex !== undefined) args.push("EX", options.ex);
    if (options.px !== undefined) args.push("PX", options.px);
    if (options.nx === true) args.push("NX");
    if (options.xx === true) args.push("XX");
    if (options.keepTtl === true) args.push("KEEPTTL");
    return this.sendCommand(args, to.toOk);
  }
  /** `SETEX key seconds value`: sets with a time to live (the cache-aside write). */
  setex(key: RedisArgument, seconds: number, value: RedisArgument): Deferred<boolean> {
    return this.sendCommand(["SETEX", key, seconds, value], to.toOk);
  }
  /** `GETDEL key`. */
  getdel(key: RedisArgument): Deferred<Buffer | null> {
    return this.sendCommand(["GETDEL", key], to.toBufferOrNull);
  }
  /** `MGET key...`: bytes or null per key. */
  mget(...keys: RedisArgument[]): Deferred<(Buffer | null)[]> {
    return this.sendCommand(["MGET", ...keys], to.toBufferArray);
  }
  /** `MSET` from an object or pairs. */
  mset(values: Record<string, RedisArgument> | readonly (readonly [RedisArgument, RedisArgument])[]): Deferred<boolean> {
    const pairs: readonly (readonly [RedisArgument, RedisArgument])[] = isPairs(values) ? values : Object.entries(values);
    const flat: RedisArgument[] = [];
    for (const [k, v] of pairs) flat.push(k, v);
    return this.sendCommand(["MSET", ...flat], to.toOk);
  }
  /** `INCR key`. */
  incr(key: RedisArgument): Deferred<number> {
    return this.sendCommand(["INCR", key], to.toInteger);
  }
  /** `INCRBY key n`. */
  incrby(key: RedisArgument, by: number | bigint): Deferred<number> {
    return this.sendCommand(["INCRBY", key, by], to.toInteger);
  }
  /** `INCRBYFLOAT key n`. */
  incrbyfloat(key: RedisArgument, by: number): Deferred<number> {
    return this.sendCommand(["INCRBYFLOAT", key, by], to.toNumber);
  }
  /** `DECR key`. */
  decr(key: RedisArgument): Deferred<number> {
    return this.sendCommand(["DECR", key], to.toInteger);
  }
  /** `DECRBY key n`. */
  decrby(key: RedisArgument, by: number | bigint): Deferred<number> {
    return this.sendCommand(["DECRBY", key, by], to.toInteger);
  }
  /** `APPEND key value`: the new length. */
  append(key: RedisArgument, value: RedisArgument): Deferred<number> {
    return this.sendCommand(["APPEND", key, value], to.toInteger);
  }
  /** `STRLEN key`. */
  strlen(key: RedisArgument): Deferred<number> {
    return this.sendCommand(["STRLEN", key], to.toInteger);
  }

  // --- keys
  /** `DEL key...`: how many were removed. */
  del(...keys: RedisArgument[]): Deferred<number> {
    return this.sendCommand(["DEL", ...keys], to.toInteger);
  }
  /** `UNLINK key...`. */
  unlink(...keys: RedisArgument[]): Deferred<number> {
    return this.sendCommand(["UNLINK", ...keys], to.toInteger);
  }
  /** `EXISTS key...`: how many exist. */
  exists(...keys: RedisArgument[]): Deferred<number> {
    return this.sendCommand(["EXISTS", ...keys], to.toInteger);
  }
  /** `EXPIRE key seconds [NX|XX|GT|LT]`: whether a timeout was set. */
  expire(key: RedisArgument, seconds: number, condition?: ExpireCondition): Deferred<boolean> {
    return this.sendCommand(condition === undefined ? ["EXPIRE", key, seconds] : ["EXPIRE", key, seconds, condition], to.toBoolean);
  }
  /** `PEXPIRE key ms`. */
  pexpire(key: RedisArgument, milliseconds: number): Deferred<boolean> {
    return this.sendCommand(["PEXPIRE", key, milliseconds], to.toBoolean);
  }
  /** `TTL key`: seconds left, -1 without a timeout, -2 when the key does not exist. */
  ttl(key: RedisArgument): Deferred<number> {
    return this.sendCommand(["TTL", key], to.toInteger);
  }
  /** `PTTL key`: milliseconds left (-1, -2 as for TTL). */
  pttl(key: RedisArgument): Deferred<number> {
    return this.sendCommand(["PTTL", key], to.toInteger);
  }
  /** `PERSIST key`. */
  persist(key: RedisArgument): Deferred<boolean> {
    return this.sendCommand(["PERSIST", key], to.toBoolean);
  }
  /** `TYPE key`: `"string"`, `"hash"`, ..., `"none"`. */
  type(key: RedisArgument): Deferred<string> {
    return this.sendCommand(["TYPE", key], to.toText);
  }
  /** `RENAME key newkey`. */
  rename(key: RedisArgument, newKey: RedisArgument): Deferred<boolean> {
    return this.sendCommand(["RENAME", key, newKey], to.toOk);
  }
  /** `KEYS pattern` as text (use {@link scan} on big databases). */
  keys(pattern: string): Deferred<string[]> {
    return this.sendCommand(["KEYS", pattern], to.toStrings);
  }
  /** Every key (as text) by `SCAN`: one `SCAN` call per batch, as the iteration proceeds. */
  scan(options: ScanOptions = {}): AsyncIterableIterator<string> {
    return this.#iterate(["SCAN"], options, true, (item) => to.toText(item));
  }

  // --- hashes
  /** `HSET key field value` or `HSET key {field: value...}`: how many fields were added. */
  hset(key: RedisArgument, field: RedisArgument | Record<string, RedisArgument>, value?: RedisArgument): Deferred<number> {
    const pairs =
      typeof field === "object" && !(field instanceof Uint8Array) ? Object.entries(field).flat() : [field, value as RedisArgument];
    return this.sendCommand(["HSET", key, ...pairs], to.toInteger);
  }
  /** `HGET key field`. */
  hget(key: RedisArgument, field: RedisArgument): Deferred<Buffer | null> {
    return this.sendCommand(["HGET", key, field], to.toBufferOrNull);
  }
  /** `HMGET key field...`. */
  hmget(key: RedisArgument, ...fields: RedisArgument[]): Deferred<(Buffer | null)[]> {
    return this.sendCommand(["HMGET", key, ...fields], to.toBufferArray);
  }
  /** `HGETALL key` as an object (empty for a missing key). */
  hgetall(key: RedisArgument): Deferred<Record<string, Buffer>> {
    return this.sendCommand(["HGETALL", key], to.toHash);
  }
  /** `HDEL key field...`. */
  hdel(key: RedisArgument, ...fields: RedisArgument[]): Deferred<number> {
    return this.sendCommand(["HDEL", key, ...fields], to.toInteger);
  }
  /** `HEXISTS key field`. */
  hexists(key: RedisArgument, field: RedisArgument): Deferred<boolean> {
    return this.sendCommand(["HEXISTS", key, field], to.toBoolean);
  }
  /** `HINCRBY key field n`. */
  hincrby(key: RedisArgument, field: RedisArgument, by: number): Deferred<number> {
    return this.sendCommand(["HINCRBY", key, field, by], to.toInteger);
  }
  /** `HKEYS key` as text. */
  hkeys(key: RedisArgument): Deferred<string[]> {
    return this.sendCommand(["HKEYS", key], to.toStrings);
  }
  /** `HVALS key`. */
  hvals(key: RedisArgument): Deferred<Buffer[]> {
    return this.sendCommand(["HVALS", key], to.toBuffers);
  }
  /** `HLEN key`. */
  hlen(key: RedisArgument): Deferred<number> {
    return this.sendCommand(["HLEN", key], to.toInteger);
  }

  // --- lists
  /** `LPUSH key value...`: the new length. */
  lpush(key: RedisArgument, ...values: RedisArgument[]): Deferred<number> {
    return this.sendCommand(["LPUSH", key, ...values], to.toInteger);
  }
  /** `RPUSH key value...`: the new length. */
  rpush(key: RedisArgument, ...values: RedisArgument[]): Deferred<number> {
    return this.sendCommand(["RPUSH", key, ...values], to.toInteger);
  }
  /** `LPOP key`. */
  lpop(key: RedisArgument): Deferred<Buffer | null> {
    return this.sendCommand(["LPOP", key], to.toBufferOrNull);
  }
  /** `RPOP key`. */
  rpop(key: RedisArgument): Deferred<Buffer | null> {
    return this.sendCommand(["RPOP", key], to.toBufferOrNull);
  }
  /** `LRANGE key start stop`. */
  lrange(key: RedisArgument, start: number, stop: number): Deferred<Buffer[]> {
    return this.sendCommand(["LRANGE", key, start, stop], to.toBuffers);
  }
  /** `LLEN key`. */
  llen(key: RedisArgument): Deferred<number> {
    return this.sendCommand(["LLEN", key], to.toInteger);
  }
  /** `LINDEX key index`. */
  lindex(key: RedisArgument, index: number): Deferred<Buffer | null> {
    return this.sendCommand(["LINDEX", key, index], to.toBufferOrNull);
  }
  /** `LREM key count value`. */
  lrem(key: RedisArgument, count: number, value: RedisArgument): Deferred<number> {
    return this.sendCommand(["LREM", key, count, value], to.toInteger);
  }
  /** `LTRIM key start stop`. */
  ltrim(key: RedisArgument, start: number, stop: number): Deferred<boolean> {
    return this.sendCommand(["LTRIM", key, start, stop], to.toOk);
  }

  // --- sets
  /** `SADD key member...`: how many were added. */
  sadd(key: RedisArgument, ...members: RedisArgument[]): Deferred<number> {
    return this.sendCommand(["SADD", key, ...members], to.toInteger);
  }
  /** `SREM key member...`. */
  srem(key: RedisArgument, ...members: RedisArgument[]): Deferred<number> {
    return this.sendCommand(["SREM", key, ...members], to.toInteger);
  }
  /** `SMEMBERS key` (a RESP3 set or a RESP2 array). */
  smembers(key: RedisArgument): Deferred<Buffer[]> {
    return this.sendCommand(["SMEMBERS", key], to.toBuffers);
  }
  /** `SISMEMBER key member`. */
  sismember(key: RedisArgument, member: RedisArgument): Deferred<boolean> {
    return this.sendCommand(["SISMEMBER", key, member], to.toBoolean);
  }
  /** `SCARD key`. */
  scard(key: RedisArgument): Deferred<number> {
    return this.sendCommand(["SCARD", key], to.toInteger);
  }
  /** Every member of a set by `SSCAN`. */
  sscan(key: RedisArgument, options: ScanOptions = {}): AsyncIterableIterator<Buffer> {
    return this.#iterate(["SSCAN", key], options, false, (item) => to.toBuffers([item])[0] as Buffer);
  }

  // --- sorted sets
  /** `ZADD key score member...` from `[score, member]` pairs or `{member: score}`. */
  zadd(key: RedisArgument, members: readonly (readonly [number, RedisArgument])[] | Record<string, number>): Deferred<number> {
    const pairs: RedisArgument[] = [];
    if (isPairs(members)) for (const [score, member] of members) pairs.push(score, member);
    else for (const [member, score] of Object.entries(members)) pairs.push(score, member);
    return this.sendCommand(["ZADD", key, ...pairs], to.toInteger);
  }
  /** `ZSCORE key member`. */
  zscore(key: RedisArgument, member: RedisArgument): Deferred<number | null> {
    return this.sendCommand(["ZSCORE", key, member], to.toNumberOrNull);
  }
  /** `ZINCRBY key by member`: the new score. */
  zincrby(key: RedisArgument, by: number, member: RedisArgument): Deferred<number> {
    return this.sendCommand(["ZINCRBY", key, by, member], to.toNumber);
  }
  /** `ZRANGE key start stop` (by index). */
  zrange(key: RedisArgument, start: number, stop: number): Deferred<Buffer[]> {
    return this.sendCommand(["ZRANGE", key, start, stop], to.toBuffers);
  }
  /** `ZRANGE key start stop WITHSCORES` as `[member, score]` pairs. */
  zrangeWithScores(key: RedisArgument, start: number, stop: number): Deferred<[Buffer, number][]> {
    return this.sendCommand(["ZRANGE", key, start, stop, "WITHSCORES"], to.toScored);
  }
  /** `ZRANK key member`. */
  zrank(key: RedisArgument, member: RedisArgument): Deferred<number | null> {
    return this.sendCommand(["ZRANK", key, member], to.toIntegerOrNull);
  }
  /** `ZREM key member...`. */
  zrem(key: RedisArgument, ...members: RedisArgument[]): Deferred<number> {
    return this.sendCommand(["ZREM", key, ...members], to.toInteger);
  }
  /** `ZCARD key`. */
  zcard(key: RedisArgument): Deferred<number> {
    return this.sendCommand(["ZCARD", key], to.toInteger);
  }

  // --- transactions (plain commands; see `multi()` for MULTI/EXEC)
  /** `WATCH key...`: the next `EXEC` on this connection fails (gives null) if one of them changes. */
  watch(...keys: RedisArgument[]): Deferred<boolean> {
    return this.sendCommand(["WATCH", ...keys], to.toOk);
  }
  /** `UNWATCH`. */
  unwatch(): Deferred<boolean> {
    return this.sendCommand(["UNWATCH"], to.toOk);
  }

  async *#iterate<T>(head: RedisArgument[], options: ScanOptions, withType: boolean, convert: (item: RespValue) => T): AsyncGenerator<T> {
    let cursor = "0";
    const tail: RedisArgument[] = [];
    if (options.match !== undefined) tail.push("MATCH", options.match);
    if (options.count !== undefined) tail.push("COUNT", options.count);
    if (withType && options.type !== undefined) tail.push("TYPE", options.type);
    do {
      const page = await this.sendCommand([...head, cursor, ...tail], to.toScanPage);
      cursor = page.cursor;
      for (const item of page.items) yield convert(item);
    } while (cursor !== "0");
  }
}

function isPairs<A, B>(value: readonly (readonly [A, B])[] | Record<string, unknown>): value is readonly (readonly [A, B])[] {
  return Array.isArray(value);
}
