import createDebug from "debug";
import { Protocol, type DecodeError, type IReactorTime } from "@torsion/core";
import { Deferred, fail, type Failure } from "@torsion/defer";
import { FramingDriver, Timeout } from "@torsion/protocols";
import {
  ClientError,
  MalformedReplyError,
  type MalformedReplyReason,
  MemcacheTimeoutError,
  NoSuchCommand,
  MemcacheNotConnectedError,
  ServerError,
} from "./errors.js";
import { MemcacheReplyDecoder, type MemcacheReplyFrame } from "./reply-decoder.js";
import {
  encodeKey,
  encodeStatsArg,
  encodeValue,
  formatInteger,
  type MemcacheKey,
  parseDecimal,
  parsePythonInt,
  pythonBytesRepr,
} from "./wire.js";

const debug = createDebug("torsion:memcache:protocol");

/** memcached's default port (Twisted's `DEFAULT_PORT`). */
export const DEFAULT_PORT = 11211;

/** `get` without identifier: `[flags, value]`; a miss is `[0, null]`. */
export type GetResult = readonly [flags: number, value: Buffer | null];
/** `get` with identifier (`gets`): `[flags, cas, value]`; a miss is `[0, <empty>, null]`. */
export type GetsResult = readonly [flags: number, cas: Buffer, value: Buffer | null];

/** Options of {@link MemCacheProtocol}. */
export interface MemCacheProtocolOptions {
  /** Schedules the reply timeout (the reactor, or a test `Clock`). */
  readonly clock: IReactorTime;
  /**
   * Seconds to wait for the next reply bytes while commands are pending, or `null` for no
   * timeout. @default 60
   */
  readonly timeOut?: number | null;
  /**
   * `"twisted"`: Twisted 22.4's input acceptance, for replaying its recorded behaviour:
   * keys are only checked for type and length (not at all by `delete`), strings are
   * refused as keys, a reply resolves whatever command heads the queue, the value trailer
   * is not checked, server error messages are Python reprs (`b'text'`). Never use it with
   * untrusted keys: a key holding CR LF injects a command. Default: Torsion's checks.
   */
  readonly compat?: "twisted";
  /** The longest reply line, in bytes. @default 16384 */
  readonly maxLineLength?: number;
  /** The largest value accepted in a reply, in bytes. @default 16 MiB */
  readonly maxValueLength?: number;
  /**
   * Whether the commands issued in one turn of the event loop (flushed by `setImmediate`,
   * after the microtasks) go out in one `writeSequence` (one system call), not one or two `write`s
   * each. Same bytes, same order. @default true (false gives Twisted's one write per line)
   */
  readonly coalesceWrites?: boolean;
}

const Kind = {
  get: 0,
  gets: 1,
  storage: 2,
  cas: 3,
  incr: 4,
  delete: 5,
  flushAll: 6,
  stats: 7,
  version: 8,
} as const;
type Kind = (typeof Kind)[keyof typeof Kind];

const UINT32_MAX = 0xffff_ffffn;
const UINT64_MAX = 0xffff_ffff_ffff_ffffn;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** One command awaiting its reply (Twisted's `Command`). */
class PendingCommand {
  /** Single get: flags, cas, value of the hit. */
  flags = 0;
  cas: Buffer = EMPTY;
  value: Buffer | null = null;
  /** Multiple get: one entry per distinct requested key (latin1 of its bytes), first occurrence first. */
  entries: Map<string, { key: unknown; flags: number; cas: Buffer; value: Buffer | null }> | null = null;
  currentKey: string | null = null;
  stats: Map<string, string> | null = null;

  constructor(
    readonly kind: Kind,
    readonly deferred: Deferred<unknown>,
    readonly key: Buffer | null = null,
  ) {}
}

const NO_ARG_REPLIES = new Set(["STORED", "NOT_STORED", "END", "NOT_FOUND", "ERROR", "DELETED", "OK", "EXISTS"]);
const ARG_REPLIES = new Set(["VALUE", "STAT", "VERSION", "CLIENT_ERROR", "SERVER_ERROR"]);

/**
 * A memcached client over one connection: Twisted's `MemCacheProtocol`, speaking the
 * memcached text protocol. Each method sends one command and returns a Deferred of its
 * result; commands are pipelined (send as many as you like) and replies are matched to
 * them in order (FIFO).
 *
 * Results, as in Twisted: storage commands give `true` (`STORED`) or `false`
 * (`NOT_STORED`, `EXISTS`, `NOT_FOUND`); `get` gives `[flags, value]` (a miss is
 * `[0, null]`) or with `withIdentifier` `[flags, cas, value]`; `getMultiple` a `Map` from
 * each distinct requested key (the caller's first key object for it) to such a tuple;
 * `increment`/`decrement` the new value as a `bigint`, or `false` when the key is
 * missing; `delete` a boolean; `flushAll` `true`; `stats` a `Map` of names to values;
 * `version` the server's version text. `ERROR` fails the command with
 * {@link NoSuchCommand}, `CLIENT_ERROR` with {@link ClientError}, `SERVER_ERROR` with
 * {@link ServerError}. Invalid arguments fail the returned Deferred (never throw); a
 * command made before the connection or after it was lost fails with
 * {@link MemcacheNotConnectedError}.
 *
 * **Timeout** (Twisted's semantics): a command sent while nothing is pending arms a
 * `timeOut`-second timer; each complete reply line and each chunk of a value restarts it
 * (a partial line does not); it is cancelled when no command is pending. When it fires,
 * every pending command fails with {@link MemcacheTimeoutError} and the connection is
 * closed.
 *
 * **Where Torsion differs from Twisted, on purpose:** the timer is cancelled by
 * `connectionLost` (Twisted's fires later on a dead transport); a reply that cannot be
 * parsed or matched fails **every** pending command with {@link MalformedReplyError}
 * and closes (Twisted raises and leaves one Deferred that never fires); an over-long
 * line or value fails every pending command with a typed error and closes; and keys are
 * validated per memcached's protocol (1–250 bytes, no whitespace or control characters,
 * `delete` included) unless `compat: "twisted"`.
 *
 * @example
 * ```ts
 * const endpoint = clientFromString(reactor, "tcp:127.0.0.1:11211");
 * const mc = await connectProtocol(endpoint, new MemCacheProtocol({ clock: reactor })).asPromise();
 * await mc.set(Buffer.from("greeting"), Buffer.from("hello"), 0, 60).asPromise();
 * const [flags, value] = await mc.get(Buffer.from("greeting")).asPromise();
 * ```
 */
export class MemCacheProtocol extends Protocol {
  /** The longest key, in bytes (Twisted's `MAX_KEY_LENGTH`). */
  static readonly MAX_KEY_LENGTH = 250;
  /** The timeout armed when a command is sent with nothing pending (Twisted's `persistentTimeOut`). */
  readonly persistentTimeOut: number | null;
  readonly #twisted: boolean;
  readonly #timeout: Timeout;
  readonly #decoder: MemcacheReplyDecoder;
  readonly #framing: FramingDriver<MemcacheReplyFrame, MemCacheProtocol>;
  #queue: PendingCommand[] = [];
  #head = 0;
  #disconnected = false;
  readonly #coalesce: boolean;
  #out: Buffer[] = [];
  #flushScheduled = false;

  constructor(options: MemCacheProtocolOptions) {
    super();
    this.persistentTimeOut = options.timeOut === undefined ? 60 : options.timeOut;
    this.#twisted = options.compat === "twisted";
    this.#coalesce = options.coalesceWrites ?? true;
    this.#timeout = new Timeout(options.clock, () => this.timeoutConnection(), { timeOut: this.persistentTimeOut });
    this.#decoder = new MemcacheReplyDecoder({
      ...(options.maxLineLength === undefined ? {} : { maxLineLength: options.maxLineLength }),
      ...(options.maxValueLength === undefined ? {} : { maxValueLength: options.maxValueLength }),
      checkTrailer: !this.#twisted,
    });
    this.#framing = new FramingDriver<MemcacheReplyFrame, MemCacheProtocol>(this, this.#decoder, {
      deliver: MemCacheProtocol.#deliver,
      decodeFailed: (error) => this.#decodeFailed(error),
      name: "MemCacheProtocol",
    });
  }

  /** How many commands await a reply. */
  get pendingCount(): number {
    return this.#queue.length - this.#head;
  }

  /** False while a value block is being read (Twisted's `line_mode`, 0 in raw mode). */
  get lineMode(): boolean {
    return !this.#decoder.inValue;
  }

  /** True once `connectionLost` ran: every later command fails with {@link MemcacheNotConnectedError}. */
  get disconnected(): boolean {
    return this.#disconnected;
  }

  override dataReceived(data: Buffer): void {
    const before = this.#decoder.valueBytesRead;
    this.#framing.dataReceived(data);
    if (this.#decoder.valueBytesRead !== before) this.#timeout.resetTimeout();
  }

  override connectionLost(reason: Failure): void {
    this.#disconnected = true;
    this.#out = [];
    this.#timeout.cancel();
    this.#failAll(reason);
    this.#framing.connectionLost();
  }

  /** Called when the timeout fires: fails every pending command and closes the connection. */
  timeoutConnection(): void {
    debug("no reply within %s s; closing", String(this.persistentTimeOut));
    this.#failAll(new MemcacheTimeoutError());
    this.#flush();
    this.transportOrNull?.loseConnection();
  }

  // ---- commands ----

  /** `get` (or `gets` with `withIdentifier`) of one key. */
  get(key: MemcacheKey, withIdentifier?: false): Deferred<GetResult>;
  get(key: MemcacheKey, withIdentifier: true): Deferred<GetsResult>;
  get(key: MemcacheKey, withIdentifier?: boolean): Deferred<GetResult | GetsResult>;
  get(key: MemcacheKey, withIdentifier = false): Deferred<GetResult | GetsResult> {
    return this.#get([key], withIdentifier, false) as Deferred<GetResult | GetsResult>;
  }

  /**
   * One `get`/`gets` of several keys. The result maps each distinct key (compared by its
   * bytes; the caller's first key object for it is the map key) to its tuple, in request
   * order, misses included. Without Twisted compatibility an empty list is refused.
   */
  getMultiple<K extends MemcacheKey>(keys: Iterable<K>, withIdentifier?: false): Deferred<Map<K, GetResult>>;
  getMultiple<K extends MemcacheKey>(keys: Iterable<K>, withIdentifier: true): Deferred<Map<K, GetsResult>>;
  getMultiple<K extends MemcacheKey>(keys: Iterable<K>, withIdentifier?: boolean): Deferred<Map<K, GetResult | GetsResult>>;
  getMultiple<K extends MemcacheKey>(keys: Iterable<K>, withIdentifier = false): Deferred<Map<K, GetResult | GetsResult>> {
    return this.#get([...keys], withIdentifier, true) as Deferred<Map<K, GetResult | GetsResult>>;
  }

  /** `set`: stores `val` unconditionally. */
  set(key: MemcacheKey, val: Uint8Array, flags: number | bigint = 0, expireTime: number | bigint = 0): Deferred<boolean> {
    return this.#store("set", key, val, flags, expireTime, null);
  }

  /** `add`: stores `val` only if the key is missing. */
  add(key: MemcacheKey, val: Uint8Array, flags: number | bigint = 0, expireTime: number | bigint = 0): Deferred<boolean> {
    return this.#store("add", key, val, flags, expireTime, null);
  }

  /** `replace`: stores `val` only if the key exists. */
  replace(key: MemcacheKey, val: Uint8Array, flags: number | bigint = 0, expireTime: number | bigint = 0): Deferred<boolean> {
    return this.#store("replace", key, val, flags, expireTime, null);
  }

  /** `append`: adds `val` after the existing value. */
  append(key: MemcacheKey, val: Uint8Array): Deferred<boolean> {
    return this.#store("append", key, val, 0, 0, null);
  }

  /** `prepend`: adds `val` before the existing value. */
  prepend(key: MemcacheKey, val: Uint8Array): Deferred<boolean> {
    return this.#store("prepend", key, val, 0, 0, null);
  }

  /**
   * `cas`: stores `val` only if the item's cas identifier is still `cas` (from
   * `get(key, true)`); `false` when it changed (`EXISTS`) or the key is gone (`NOT_FOUND`).
   */
  checkAndSet(
    key: MemcacheKey,
    val: Uint8Array,
    cas: Uint8Array | bigint,
    flags: number | bigint = 0,
    expireTime: number | bigint = 0,
  ): Deferred<boolean> {
    return this.#store("cas", key, val, flags, expireTime, cas);
  }

  /** `incr`: the new value, or `false` when the key is missing. memcached wraps at 2^64. */
  increment(key: MemcacheKey, val: number | bigint = 1): Deferred<bigint | false> {
    return this.#incrDecr("incr", key, val);
  }

  /** `decr`: the new value (memcached stops at 0), or `false` when the key is missing. */
  decrement(key: MemcacheKey, val: number | bigint = 1): Deferred<bigint | false> {
    return this.#incrDecr("decr", key, val);
  }

  /** `delete`: `true` if the key existed. */
  delete(key: MemcacheKey): Deferred<boolean> {
    const early = this.#refuse<boolean>();
    if (early !== null) return early;
    let encoded: Buffer;
    try {
      encoded = encodeKey(key, this.#twisted, !this.#twisted);
    } catch (error) {
      return fail(error);
    }
    return this.#send([Buffer.from("delete "), encoded], null, Kind.delete, encoded) as Deferred<boolean>;
  }

  /** `flush_all`: invalidates every item; `true`. */
  flushAll(): Deferred<true> {
    return this.#simple(Buffer.from("flush_all"), Kind.flushAll) as Deferred<true>;
  }

  /** `stats [arg]`: the `STAT` lines as a map of name to value (latin1 text, as sent). */
  stats(arg?: Uint8Array | string | null): Deferred<Map<string, string>> {
    let line = Buffer.from("stats");
    if (arg !== undefined && arg !== null && arg.length > 0) {
      try {
        line = Buffer.concat([line, Buffer.from(" "), encodeStatsArg(arg, this.#twisted)]);
      } catch (error) {
        return fail(error);
      }
    }
    return this.#simple(line, Kind.stats) as Deferred<Map<string, string>>;
  }

  /** `version`: the server's version text (what follows `VERSION `). */
  version(): Deferred<string> {
    return this.#simple(Buffer.from("version"), Kind.version) as Deferred<string>;
  }

  // ---- sending ----

  #refuse<T>(): Deferred<T> | null {
    return this.#disconnected || this.transportOrNull === null ? fail<T>(new MemcacheNotConnectedError()) : null;
  }

  #simple(line: Buffer, kind: Kind): Deferred<unknown> {
    return this.#refuse() ?? this.#send([line], null, kind, null);
  }

  /** Writes the command (Twisted's `sendLine`, arming the timeout when nothing is pending) and queues it. */
  #send(lineParts: Buffer[], data: Buffer | null, kind: Kind, key: Buffer | null): Deferred<unknown> {
    const transport = this.transportOrNull;
    if (transport === null) return fail(new MemcacheNotConnectedError());
    const idle = this.pendingCount === 0;
    if (idle) this.#timeout.setTimeout(this.persistentTimeOut);
    lineParts.push(CRLF);
    if (this.#coalesce) {
      for (const part of lineParts) this.#out.push(part);
      if (data !== null) this.#out.push(data, CRLF);
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(this.#flushLater);
      }
    } else {
      transport.write(Buffer.concat(lineParts));
      if (data !== null) {
        if (idle) this.#timeout.setTimeout(this.persistentTimeOut);
        transport.write(data.length === 0 ? CRLF : Buffer.concat([data, CRLF], data.length + 2));
      }
    }
    const command = new PendingCommand(kind, new Deferred<unknown>(), key);
    this.#queue.push(command);
    return command.deferred;
  }

  readonly #flushLater = (): void => {
    this.#flushScheduled = false;
    this.#flush();
  };

  /** Writes the coalesced command bytes (nothing after `connectionLost`). */
  #flush(): void {
    const out = this.#out;
    if (out.length === 0) return;
    this.#out = [];
    if (!this.#disconnected) this.transportOrNull?.writeSequence(out);
  }

  #get(keys: unknown[], withIdentifier: boolean, multiple: boolean): Deferred<unknown> {
    const early = this.#refuse();
    if (early !== null) return early;
    const encoded: Buffer[] = [];
    try {
      for (const key of keys) encoded.push(encodeKey(key, this.#twisted));
      if (multiple && encoded.length === 0 && !this.#twisted) throw new ClientError("getMultiple needs at least one key");
    } catch (error) {
      return fail(error);
    }
    const parts: Buffer[] = [Buffer.from(withIdentifier ? "gets" : "get")];
    for (const key of encoded) parts.push(SPACE, key);
    const deferred = this.#send(parts, null, withIdentifier ? Kind.gets : Kind.get, multiple ? null : (encoded[0] as Buffer));
    const command = this.#queue[this.#queue.length - 1] as PendingCommand;
    if (multiple) {
      const entries = new Map<string, { key: unknown; flags: number; cas: Buffer; value: Buffer | null }>();
      encoded.forEach((bytes, index) => {
        const id = bytes.toString("latin1");
        if (!entries.has(id)) entries.set(id, { key: keys[index], flags: 0, cas: EMPTY, value: null });
      });
      command.entries = entries;
    }
    return deferred;
  }

  #store(
    name: string,
    key: MemcacheKey,
    val: Uint8Array,
    flags: number | bigint,
    expireTime: number | bigint,
    cas: Uint8Array | bigint | null,
  ): Deferred<boolean> {
    const early = this.#refuse<boolean>();
    if (early !== null) return early;
    let header: Buffer[];
    let data: Buffer;
    let encodedKey: Buffer;
    try {
      encodedKey = encodeKey(key, this.#twisted);
      data = encodeValue(val);
      const numbers = `${formatInteger("flags", flags, this.#twisted, 0n, UINT32_MAX)} ${formatInteger("expireTime", expireTime, this.#twisted, INT64_MIN, INT64_MAX)} ${data.length}`;
      header = [Buffer.from(name + " "), encodedKey, Buffer.from(" " + numbers)];
      if (cas !== null) {
        const casBytes = this.#casBytes(cas);
        if (casBytes.length > 0) header.push(SPACE, casBytes);
      }
    } catch (error) {
      return fail(error);
    }
    return this.#send(header, data, cas === null ? Kind.storage : Kind.cas, encodedKey) as Deferred<boolean>;
  }

  #casBytes(cas: Uint8Array | bigint): Buffer {
    if (typeof cas === "bigint") return Buffer.from(formatInteger("cas", cas, false, 0n, UINT64_MAX));
    const bytes = encodeValue(cas);
    if (!this.#twisted && (bytes.length === 0 || bytes.length > 20 || bytes.some((b) => b < 0x30 || b > 0x39))) {
      throw new ClientError("cas must be the decimal identifier from get(key, true)");
    }
    return bytes;
  }

  #incrDecr(name: "incr" | "decr", key: MemcacheKey, val: number | bigint): Deferred<bigint | false> {
    const early = this.#refuse<bigint | false>();
    if (early !== null) return early;
    let parts: Buffer[];
    try {
      const encodedKey = encodeKey(key, this.#twisted);
      parts = [Buffer.from(name + " "), encodedKey, Buffer.from(" " + formatInteger("val", val, this.#twisted, 0n, UINT64_MAX))];
    } catch (error) {
      return fail(error);
    }
    return this.#send(parts, null, Kind.incr, null) as Deferred<bigint | false>;
  }

  // ---- receiving ----

  static #deliver(frame: MemcacheReplyFrame, self: MemCacheProtocol): void {
    if (Buffer.isBuffer(frame)) self.#lineReceived(frame);
    else if (frame.kind === "valueHeader") self.#valueHeader(frame.fields);
    else self.#valueData(frame.data);
  }

  #peek(): PendingCommand | undefined {
    return this.#queue[this.#head];
  }

  #pop(): PendingCommand {
    const command = this.#queue[this.#head] as PendingCommand;
    this.#queue[this.#head] = undefined as unknown as PendingCommand;
    this.#head += 1;
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return command;
  }

  #lineReceived(line: Buffer): void {
    this.#timeout.resetTimeout();
    const space = line.indexOf(0x20);
    const token = asciiText(space < 0 ? line : line.subarray(0, space));
    if (token === null) {
      this.#malformed("nonAscii", "a reply holds non-ASCII bytes");
      return;
    }
    const arg = space < 0 ? null : line.subarray(space + 1);
    if (NO_ARG_REPLIES.has(token) || ARG_REPLIES.has(token)) {
      if (!this.#dispatch(token, arg)) return;
    } else {
      const joined = asciiText(line)?.replaceAll(" ", "_") ?? null;
      if (joined === null) {
        this.#malformed("nonAscii", "a reply holds non-ASCII bytes");
        return;
      }
      if (NO_ARG_REPLIES.has(joined) || ARG_REPLIES.has(joined)) {
        if (!this.#dispatch(joined, null)) return;
      } else if (!this.#numberReply(Buffer.from(joined, "latin1"))) {
        return;
      }
    }
    if (this.pendingCount === 0) this.#timeout.setTimeout(null);
  }

  /** Handles one reply token; false when it failed everything (the connection is closing). */
  #dispatch(token: string, arg: Buffer | null): boolean {
    const takesArg = ARG_REPLIES.has(token);
    if (takesArg && arg === null) return this.#malformed("missingArgument", `${token} without its argument`);
    if (!takesArg && arg !== null) return this.#malformed("unexpectedArgument", `${token} followed by text`);
    const head = this.#peek();
    if (head === undefined) return this.#malformed("unsolicited", `${token} with no command pending`);
    switch (token) {
      case "STAT":
        return this.#stat(head, arg as Buffer);
      case "END":
        return this.#end(head);
      case "ERROR":
        this.#pop().deferred.errback(new NoSuchCommand());
        debug("server: ERROR (unknown command)");
        return true;
      case "CLIENT_ERROR":
      case "SERVER_ERROR":
        return this.#serverError(token, arg as Buffer);
      case "VERSION":
        if (!this.#accepts(head, Kind.version)) return this.#mismatch(token, head);
        this.#pop().deferred.callback((arg as Buffer).toString("latin1"));
        return true;
      default:
        return this.#status(token, head);
    }
  }

  #status(token: string, head: PendingCommand): boolean {
    const kinds = STATUS_KINDS[token] as readonly Kind[];
    if (!this.#twisted && !kinds.includes(head.kind)) return this.#mismatch(token, head);
    this.#pop().deferred.callback(token === "STORED" || token === "DELETED" || token === "OK");
    return true;
  }

  #serverError(token: string, text: Buffer): boolean {
    const message = this.#twisted ? pythonBytesRepr(text) : text.toString("latin1");
    const error = token === "CLIENT_ERROR" ? new ClientError(message, Buffer.from(text)) : new ServerError(message, Buffer.from(text));
    debug("server: %s %s", token, message);
    this.#pop().deferred.errback(error);
    return true;
  }

  #stat(head: PendingCommand, arg: Buffer): boolean {
    if (head.kind !== Kind.stats) return this.#mismatch("STAT", head);
    const space = arg.indexOf(0x20);
    if (space < 0) return this.#malformed("badStat", "a STAT line without a value");
    head.stats ??= new Map();
    head.stats.set(arg.toString("latin1", 0, space), arg.toString("latin1", space + 1));
    return true;
  }

  #end(head: PendingCommand): boolean {
    if (head.kind !== Kind.get && head.kind !== Kind.gets && head.kind !== Kind.stats) {
      return this.#mismatch("END", head);
    }
    const command = this.#pop();
    command.deferred.callback(resultOf(command));
    return true;
  }

  #numberReply(line: Buffer): boolean {
    const head = this.#peek();
    if (head === undefined) return this.#malformed("unsolicited", "a reply with no command pending");
    const value = parsePythonInt(line);
    if (value === null) return this.#malformed("badNumber", "a reply that is neither a status nor a number");
    if (!this.#twisted && (head.kind !== Kind.incr || value < 0n || value > UINT64_MAX)) return this.#mismatch("a number", head);
    this.#pop().deferred.callback(value);
    return true;
  }

  #valueHeader(fields: readonly Buffer[]): void {
    this.#timeout.resetTimeout();
    const head = this.#peek();
    if (head === undefined) return void this.#malformed("unsolicited", "VALUE with no command pending");
    if (head.kind !== Kind.get && head.kind !== Kind.gets) return void this.#mismatch("VALUE", head);
    const expected = head.kind === Kind.get ? 3 : 4;
    if (fields.length !== expected)
      return void this.#malformed(
        "badValueHeader",
        `VALUE with ${fields.length} fields answering ${head.kind === Kind.get ? "get" : "gets"}`,
      );
    const [key, flagsField, , cas] = fields as [Buffer, Buffer, Buffer, Buffer | undefined];
    const id = key.toString("latin1");
    if (head.entries !== null ? !head.entries.has(id) : !head.key?.equals(key)) {
      return void this.#malformed("unexpectedKey", "Unexpected commands answer.");
    }
    const flags = parseDecimal(flagsField);
    if (flags === null || (!this.#twisted && (flags < 0 || flags > UINT32_MAX)))
      return void this.#malformed("badValueHeader", "VALUE with invalid flags");
    const casBytes = cas === undefined ? EMPTY : Buffer.from(cas);
    head.currentKey = id;
    if (head.entries !== null) {
      const entry = head.entries.get(id) as { flags: number; cas: Buffer; value: Buffer | null };
      entry.flags = Number(flags);
      entry.cas = casBytes;
    } else {
      head.flags = Number(flags);
      head.cas = casBytes;
    }
  }

  #valueData(data: Buffer): void {
    const head = this.#peek() as PendingCommand;
    if (head.entries !== null) (head.entries.get(head.currentKey as string) as { value: Buffer | null }).value = data;
    else head.value = data;
  }

  #accepts(head: PendingCommand, kind: Kind): boolean {
    return this.#twisted || head.kind === kind;
  }

  #mismatch(what: string, head: PendingCommand): boolean {
    return this.#malformed("unexpectedReply", `${what} does not answer the pending ${KIND_NAMES[head.kind]} command`);
  }

  /** A reply that cannot be matched: fail every pending command and close. Returns false. */
  #malformed(reason: MalformedReplyReason, message: string): false {
    this.#abort(new MalformedReplyError(reason, message));
    return false;
  }

  #decodeFailed(error: DecodeError): void {
    this.#timeout.setTimeout(null);
    this.#failAll(error);
  }

  #abort(error: Error): void {
    debug("%s: %s; closing", error.name, error.message);
    this.#timeout.setTimeout(null);
    this.#failAll(error);
    this.transportOrNull?.loseConnection();
  }

  #failAll(reason: Error | Failure): void {
    while (this.pendingCount > 0) this.#pop().deferred.errback(reason);
  }
}

const CRLF = Buffer.from("\r\n");
const SPACE = Buffer.from(" ");
const EMPTY = Buffer.alloc(0);

const KIND_NAMES: Record<Kind, string> = ["get", "gets", "storage", "cas", "incr/decr", "delete", "flush_all", "stats", "version"];

const STATUS_KINDS: Record<string, readonly Kind[]> = {
  STORED: [Kind.storage, Kind.cas],
  NOT_STORED: [Kind.storage, Kind.cas],
  EXISTS: [Kind.cas],
  NOT_FOUND: [Kind.cas, Kind.incr, Kind.delete],
  DELETED: [Kind.delete],
  OK: [Kind.flushAll],
};

/** The bytes as text when they are all ASCII (Twisted's `nativeString`), else `null`. */
function asciiText(bytes: Buffer): string | null {
  for (const byte of bytes) if (byte > 0x7f) return null;
  return bytes.toString("latin1");
}

function resultOf(command: PendingCommand): unknown {
  if (command.kind === Kind.stats) return command.stats ?? new Map<string, string>();
  const withCas = command.kind === Kind.gets;
  if (command.entries === null) return withCas ? [command.flags, command.cas, command.value] : [command.flags, command.value];
  const result = new Map<unknown, unknown>();
  for (const entry of command.entries.values())
    result.set(entry.key, withCas ? [entry.flags, entry.cas, entry.value] : [entry.flags, entry.value]);
  return result;
}
