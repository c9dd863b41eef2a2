import createDebug from "debug";
import { Factory, type IAddress, type IReactorTime } from "@torsion/core";
import { Deferred, gatherResults, succeed } from "@torsion/defer";
import { ClientService, type ConnectingEndpoint, type RetryPolicy } from "@torsion/application";
import { clientFromString } from "@torsion/endpoints";
import type { MessageListener } from "./pub-sub.js";
import { RedisCommands } from "./redis-commands.js";
import { RedisPipeline, RedisProtocol, RedisTransaction, type RedisProtocolOptions } from "./redis-protocol.js";
import { parseRedisAddress } from "./redis-url.js";
import type { ReplyConverter } from "./reply-converters.js";
import type { RedisArgument } from "./resp-encoder.js";
import type { RespValue } from "./resp-types.js";

const debug = createDebug("torsion:redis:client");

/** Options of {@link RedisClient}: the protocol's (handshake, timeouts, limits) plus reconnection. */
export interface RedisClientOptions extends Omit<RedisProtocolOptions, "clock"> {
  /** Seconds to wait after N consecutive failures. @default backoffPolicy() of @torsion/application */
  readonly retryPolicy?: RetryPolicy;
}

type Registry = Map<string, Set<MessageListener>>;

/**
 * A Redis client that stays connected: a `ClientService` (@torsion/application) over one
 * {@link RedisProtocol} at a time. It reconnects with backoff after a lost connection or a
 * failed attempt, and on each new connection replays the database (`SELECT`, including
 * one chosen with {@link select}) and every subscription before any command runs.
 *
 * Commands issued while connected go straight to the connection; commands issued while
 * disconnected wait for the next connection. Commands in flight when the connection is
 * lost fail with `RedisConnectionLostError` (they are not retried: they may have run).
 * {@link close} stops the service: waiting commands then fail with `CancelledError`.
 *
 * The address is `redis://[user:pass@]host:port/db`, or a `unix:`/`tcp:` endpoint
 * description for `clientFromString` (`unix:/tmp/redis.sock`), or any client endpoint.
 *
 * @example
 * ```ts
 * const redis = new RedisClient(reactor, "redis://127.0.0.1:6379/0").start();
 * await redis.set("greeting", "hello", { ex: 60 });
 * console.log(await redis.getString("greeting"));
 * await redis.close();
 * ```
 */
export class RedisClient extends RedisCommands {
  readonly #service: ClientService<RedisProtocol>;
  readonly #options: RedisClientOptions;
  readonly #reactor: IReactorTime;
  #db: number;
  #current: RedisProtocol | null = null;
  readonly #channels: Registry = new Map();
  readonly #patterns: Registry = new Map();
  readonly #onChannel: MessageListener = (message, channel) => this.#dispatch(this.#channels, channel, message, channel);
  readonly #onPattern: MessageListener = (message, channel, pattern) =>
    this.#dispatch(this.#patterns, pattern ?? "", message, channel, pattern);

  /**
   * @param reactor - the reactor (its time for retries and timeouts; its TCP/Unix support for a description)
   * @param address - a `redis://` URL, a `unix:`/`tcp:` description, or a client endpoint
   */
  constructor(reactor: IReactorTime, address: string | ConnectingEndpoint, options: RedisClientOptions = {}) {
    super();
    let endpoint: ConnectingEndpoint;
    let fromUrl: Omit<RedisClientOptions, "retryPolicy"> = {};
    if (typeof address === "string") {
      const parsed = parseRedisAddress(address);
      endpoint = clientFromString(reactor, parsed.description);
      fromUrl = parsed;
    } else endpoint = address;
    this.#options = { ...fromUrl, ...options };
    this.#reactor = reactor;
    this.#db = this.#options.db ?? 0;
    const factory = new RedisFactory(() => this.#protocolOptions());
    this.#service = new ClientService<RedisProtocol>(endpoint, factory, {
      clock: reactor,
      ...(options.retryPolicy === undefined ? {} : { retryPolicy: options.retryPolicy }),
      prepareConnection: (protocol) => this.#prepare(protocol),
    });
  }

  /** Starts connecting (and keeping connected); returns this. */
  start(): this {
    this.#service.startService();
    return this;
  }

  /** Stops: closes the connection (or cancels the attempt); fires once closed. */
  close(): Deferred<null> {
    return this.#service.stopService();
  }

  /** The service's state: `connecting`, `connected`, `waiting` (to retry), ... */
  get state(): string {
    return this.#service.state;
  }

  /** The current connection, once ready; `null` between connections. */
  get protocol(): RedisProtocol | null {
    return this.#current;
  }

  /** The current connection, ready, now or as soon as there is one. */
  whenConnected(): Deferred<RedisProtocol> {
    const current = this.#current;
    if (current?.ready === true) return succeed(current);
    return this.#service.whenConnected();
  }

  sendCommand<T = RespValue>(args: readonly RedisArgument[], convert?: ReplyConverter<T>): Deferred<T> {
    const current = this.#current;
    if (current?.ready === true) return current.sendCommand(args, convert);
    return this.#service.whenConnected().addCallback<T>((protocol) => protocol.sendCommand(args, convert));
  }

  /** Several commands as one pipeline on the current (or next) connection; see {@link RedisProtocol.sendBatch}. */
  sendBatch(
    commands: readonly (readonly RedisArgument[])[],
    converters?: readonly (ReplyConverter<unknown> | null | undefined)[],
  ): Deferred<unknown[]> {
    const current = this.#current;
    if (current?.ready === true) return current.sendBatch(commands, converters);
    return this.#service.whenConnected().addCallback<unknown[]>((protocol) => protocol.sendBatch(commands, converters));
  }

  /** A pipeline on the current (or next) connection; see {@link RedisProtocol.pipeline}. */
  pipeline(): RedisPipeline {
    return new RedisPipeline((commands, converters) => this.sendBatch(commands, converters));
  }

  /** `SELECT db` now, and on every later connection. */
  select(db: number): Deferred<boolean> {
    this.#db = db;
    return this.sendCommand(["SELECT", db], (value) => value === "OK");
  }

  /** A transaction on the current connection; see {@link RedisProtocol.multi}. */
  multi(): RedisTransaction {
    return new RedisTransaction((commands) =>
      this.whenConnected().addCallback<RespValue[] | null>((protocol) => {
        const tx = protocol.multi();
        for (const [name, ...args] of commands) tx.command(String(name), ...args);
        return tx.exec();
      }),
    );
  }

  /** `SUBSCRIBE`, kept across reconnections. Fires once the current (or next) connection confirmed. */
  subscribe(channels: readonly string[], listener: MessageListener): Deferred<null> {
    return this.#add(this.#channels, channels, listener, (p, names) => p.subscribe(names, this.#onChannel));
  }

  /** `PSUBSCRIBE`, kept across reconnections. */
  psubscribe(patterns: readonly string[], listener: MessageListener): Deferred<null> {
    return this.#add(this.#patterns, patterns, listener, (p, names) => p.psubscribe(names, this.#onPattern));
  }

  /** `UNSUBSCRIBE` (every channel when none is given); the channels are no longer replayed. */
  unsubscribe(channels: readonly string[] = []): Deferred<null> {
    return this.#remove(this.#channels, channels, (p, names) => p.unsubscribe(names));
  }

  /** `PUNSUBSCRIBE` (every pattern when none is given). */
  punsubscribe(patterns: readonly string[] = []): Deferred<null> {
    return this.#remove(this.#patterns, patterns, (p, names) => p.punsubscribe(names));
  }

  #protocolOptions(): RedisProtocolOptions {
    return { ...this.#options, db: this.#db, clock: this.#reactor };
  }

  #prepare(protocol: RedisProtocol): Deferred<null> {
    return protocol.whenReady().addCallback(() => {
      this.#current = protocol;
      protocol.whenLost().addCallback((reason) => {
        if (this.#current === protocol) this.#current = null;
        debug("connection lost: %s", reason instanceof Error ? reason.message : String(reason));
        return null;
      });
      const replay: Deferred<null>[] = [];
      if (this.#channels.size > 0) replay.push(protocol.subscribe([...this.#channels.keys()], this.#onChannel));
      if (this.#patterns.size > 0) replay.push(protocol.psubscribe([...this.#patterns.keys()], this.#onPattern));
      debug("connected (RESP%d); replaying %d subscription commands", protocol.protocolVersion, replay.length);
      return gatherResults(replay).addCallback(() => null);
    });
  }

  #add(
    registry: Registry,
    names: readonly string[],
    listener: MessageListener,
    send: (p: RedisProtocol, names: string[]) => Deferred<null>,
  ): Deferred<null> {
    const fresh: string[] = [];
    for (const name of names) {
      let set = registry.get(name);
      if (set === undefined) {
        registry.set(name, (set = new Set()));
        fresh.push(name);
      }
      set.add(listener);
    }
    const current = this.#current;
    if (fresh.length === 0) return succeed(null);
    if (current?.ready === true) return send(current, fresh);
    // Not connected: the next connection's replay subscribes; fire once it is ready.
    return this.#service.whenConnected().addCallback(() => null);
  }

  #remove(registry: Registry, names: readonly string[], send: (p: RedisProtocol, names: string[]) => Deferred<null>): Deferred<null> {
    if (names.length === 0) registry.clear();
    for (const name of names) registry.delete(name);
    const current = this.#current;
    if (current?.ready === true) return send(current, [...names]);
    return succeed(null);
  }

  #dispatch(registry: Registry, key: string, message: Buffer, channel: string, pattern?: string): void {
    const listeners = registry.get(key);
    if (listeners === undefined) return;
    for (const listener of listeners) listener(message, channel, pattern);
  }
}

/** Builds one {@link RedisProtocol} per connection, with the options of that moment. */
class RedisFactory extends Factory<RedisProtocol> {
  readonly #options: () => RedisProtocolOptions;

  constructor(options: () => RedisProtocolOptions) {
    super();
    this.#options = options;
    this.noisy = false;
  }

  override buildProtocol(_addr: IAddress): RedisProtocol {
    return new RedisProtocol(this.#options());
  }
}
