import createDebug from "debug";
import type { CallbackResult, IProtocol, IReactorTime, ITransport } from "@torsion/core";
import { Deferred, Failure, succeed } from "@torsion/defer";
import { FramingDriver, Timeout } from "@torsion/protocols";
import {
  RedisArgumentError,
  RedisConnectionClosedError,
  RedisConnectionLostError,
  RedisError,
  RedisExecAbortError,
  RedisHandshakeError,
  RedisTimeoutError,
} from "./errors.js";
import { PubSub, type MessageListener, type PubSubKind } from "./pub-sub.js";
import { RedisCommands } from "./redis-commands.js";
import type { ReplyConverter } from "./reply-converters.js";
import { RespDecoder, type RespDecoderOptions } from "./resp-decoder.js";
import { CommandWriter, type RedisArgument } from "./resp-encoder.js";
import { RespMap, RespPush, respToString, type RespValue } from "./resp-types.js";
import { RingQueue } from "./ring-queue.js";

const debug = createDebug("torsion:redis:protocol");

/** Options of {@link RedisProtocol}. */
export interface RedisProtocolOptions {
  /** The RESP version to ask for: 3 sends `HELLO 3` (falling back to RESP2 on `NOPROTO`). @default 3 */
  readonly protocol?: 2 | 3;
  /** `AUTH` user (with `password`). @default "default" */
  readonly username?: string;
  /** `AUTH` password; none by default. */
  readonly password?: string;
  /** `CLIENT SETNAME` (or `HELLO ... SETNAME`). */
  readonly clientName?: string;
  /** The database to `SELECT` after the handshake. @default 0 */
  readonly db?: number;
  /** Clock for {@link replyTimeout} (the reactor). Required when `replyTimeout` is set. */
  readonly clock?: IReactorTime;
  /**
   * Seconds without any reply while commands wait: then every waiting command fails with
   * `RedisTimeoutError` and the connection is aborted (the Timeout policy of
   * `@torsion/protocols`). Leave unset for blocking commands (`BLPOP`). @default null
   */
  readonly replyTimeout?: number | null;
  /** Limits of the reply decoder. */
  readonly decoder?: RespDecoderOptions;
  /** Pushes other than pub/sub (RESP3 `invalidate`, ...). */
  readonly onPush?: (push: RespPush) => void;
}

/** One command waiting for its reply. */
class Pending {
  constructor(
    public deferred: Deferred<unknown> | null,
    readonly convert: ReplyConverter<unknown> | null,
    /** Internal commands (handshake, MULTI): gets the raw reply instead of a Deferred. */
    readonly handle: ((value: RespValue) => void) | null,
    /** A (un)subscribe: its kind and how many confirmations it still expects. */
    readonly pubsub: PubSubKind | null = null,
    public confirmations = 0,
    /** A pipeline's commands: one entry takes all their replies, then fires `deferred` once. */
    readonly batch: BatchReplies | null = null,
  ) {}

  /** Whether its Deferred already fired: only `cancel()` does that before the reply comes. */
  get cancelled(): boolean {
    return this.deferred?.called === true;
  }
}

/**
 * The replies of one pipeline ({@link RedisProtocol.sendBatch}), gathered in order: each
 * slot holds the (converted) reply, the `RedisError` of an error reply, or the error a
 * converter threw.
 */
class BatchReplies {
  readonly results: unknown[];
  #next = 0;

  constructor(
    count: number,
    readonly converters: readonly (ReplyConverter<unknown> | null | undefined)[] | null,
  ) {
    this.results = new Array<unknown>(count);
  }

  /** Stores the next reply; true once every reply has come. */
  add(value: RespValue, skip: boolean): boolean {
    const i = this.#next;
    this.#next = i + 1;
    if (!skip) {
      const convert = this.converters?.[i];
      if (convert == null || value instanceof RedisError) this.results[i] = value;
      else {
        try {
          this.results[i] = convert(value);
        } catch (error) {
          this.results[i] = error;
        }
      }
    }
    return this.#next === this.results.length;
  }
}

interface Held {
  /** The command, or a pipeline's commands (`batch`). */
  readonly args: readonly RedisArgument[] | null;
  readonly batch: readonly (readonly RedisArgument[])[] | null;
  readonly entry: Pending;
}

/** Commands that change pub/sub state: their confirmations are not replies, so a pipeline refuses them. */
const PUBSUB_COMMAND = /^[ps]?(un)?subscribe$/i;

const State = { handshake: 0, ready: 1, closed: 2 } as const;
type State = (typeof State)[keyof typeof State];

/**
 * One Redis connection: a protocol to connect with any stream endpoint. It performs the
 * handshake on `connectionMade` (`HELLO 3 [AUTH] [SETNAME]`, or on `NOPROTO` RESP2's
 * `AUTH` and `CLIENT SETNAME`; then `SELECT`), holding commands issued meanwhile, then:
 *
 * - **Pipelining**: every command is written at once, replies are matched in FIFO order;
 *   the commands issued in one tick go out as one write (flushed on a microtask, or by
 *   {@link flush}).
 * - **Errors**: an error reply fails its own command with `RedisError`; the connection stays.
 * - **Cancellation**: cancelling a command's Deferred fails it with `CancelledError` at
 *   once; its reply is still read and dropped, so later replies stay aligned.
 * - **Pub/sub** ({@link subscribe}, {@link psubscribe}, {@link unsubscribe}): RESP3 pushes
 *   (confirmations and messages) never reach the reply queue; in RESP2, subscribed mode
 *   is tracked from the confirmations' counts and messages are told apart from replies.
 * - **Transactions**: {@link multi}.
 * - **Loss**: when the connection ends, every waiting command fails with
 *   `RedisConnectionLostError` (the transport's reason as `cause`), later ones with
 *   `RedisConnectionClosedError`.
 */
export class RedisProtocol extends RedisCommands implements IProtocol {
  /** The transport, set by `makeConnection`. */
  transport: ITransport | null = null;
  /** The transport or `null` (what the framing driver reads). */
  get transportOrNull(): ITransport | null {
    return this.transport;
  }
  /** True between `makeConnection` and `connectionLost`. */
  connected = false;
  readonly #options: RedisProtocolOptions;
  readonly #framing: FramingDriver<RespValue, RedisProtocol>;
  readonly #writer = new CommandWriter();
  readonly #pubsub = new PubSub();
  readonly #timeout: Timeout | null;
  readonly #queue = new RingQueue<Pending>();
  #held: Held[] = [];
  #state: State = State.handshake;
  #flushScheduled = false;
  #version: 2 | 3 = 2;
  #readyWaiters: Deferred<RedisProtocol>[] = [];
  #lostWaiters: Deferred<unknown>[] = [];
  #failure: Failure | null = null;
  /** The scheduled flush (one closure for the connection's life, not one per batch). */
  readonly #flushLater = (): void => {
    if (this.#flushScheduled) this.flush();
  };

  constructor(options: RedisProtocolOptions = {}) {
    super();
    this.#options = options;
    this.#framing = new FramingDriver(this, () => new RespDecoder(options.decoder), {
      deliver: RedisProtocol.#deliver,
      name: "RedisProtocol",
      decodeFailed: (error) => debug("closing: %s", error.message),
    });
    const timeout = options.replyTimeout ?? null;
    if (timeout !== null && options.clock === undefined) throw new TypeError("replyTimeout needs a clock");
    this.#timeout = timeout === null || options.clock === undefined ? null : new Timeout(options.clock, () => this.#timedOut());
  }

  static #deliver(this: void, value: RespValue, protocol: RedisProtocol): void {
    protocol.#reply(value);
  }

  /** The negotiated RESP version (2 until `HELLO 3` succeeds). */
  get protocolVersion(): 2 | 3 {
    return this.#version;
  }

  /** Whether the handshake finished and the connection is open. */
  get ready(): boolean {
    return this.#state === State.ready;
  }

  /** How many commands wait for a reply (or for the handshake). */
  get pendingCount(): number {
    return this.#queue.length + this.#held.length;
  }

  /** Channels and patterns this connection is subscribed to (or asked for). */
  get subscriptions(): { channels: string[]; patterns: string[] } {
    return this.#pubsub.names();
  }

  /** Fires with this protocol once the handshake is done; fails if it fails or the connection ends first. */
  whenReady(): Deferred<RedisProtocol> {
    const d = new Deferred<RedisProtocol>();
    if (this.#state === State.ready) d.callback(this);
    else if (this.#state === State.closed) d.errback(this.#closedError());
    else this.#readyWaiters.push(d);
    return d;
  }

  /** Fires with the reason (the transport's, e.g. `ConnectionDone`) once the connection has ended. */
  whenLost(): Deferred<unknown> {
    const d = new Deferred<unknown>();
    if (this.#failure !== null && !this.connected) d.callback(this.#failure.value);
    else this.#lostWaiters.push(d);
    return d;
  }

  makeConnection(transport: ITransport): CallbackResult {
    this.transport = transport;
    this.connected = true;
    return this.connectionMade();
  }

  connectionMade(): CallbackResult {
    const o = this.#options;
    if ((o.protocol ?? 3) === 3) {
      const args: RedisArgument[] = ["HELLO", "3"];
      if (o.password !== undefined) args.push("AUTH", o.username ?? "default", o.password);
      if (o.clientName !== undefined) args.push("SETNAME", o.clientName);
      this.#internal(
        args,
        (value) => {
          if (value instanceof RespMap) {
            this.#version = 3;
            this.#afterAuth(false);
          } else if (value instanceof RedisError && (value.code === "NOPROTO" || /unknown command/i.test(value.reply))) {
            debug("HELLO 3 refused (%s): RESP2", value.message);
            this.#afterAuth(true);
          } else this.#handshakeFailed("HELLO", value);
        },
        true,
      );
    } else this.#afterAuth(true);
    this.flush();
  }

  dataReceived(data: Buffer): CallbackResult {
    this.#framing.dataReceived(data);
  }

  connectionLost(reason: Failure): CallbackResult {
    this.connected = false;
    this.#framing.connectionLost();
    this.#timeout?.cancel();
    const wasClosed = this.#state === State.closed;
    this.#state = State.closed;
    this.#failure = reason;
    debug("connection lost: %s", reason.getErrorMessage());
    const lost = (): RedisConnectionLostError =>
      new RedisConnectionLostError(`connection lost: ${reason.getErrorMessage()}`, { cause: reason.value });
    this.#failAll(lost);
    if (!wasClosed) for (const d of this.#readyWaiters.splice(0)) d.errback(lost());
    for (const d of this.#lostWaiters.splice(0)) d.callback(reason.value);
  }

  sendCommand<T = RespValue>(args: readonly RedisArgument[], convert?: ReplyConverter<T>): Deferred<T> {
    // No canceller: cancel() errbacks the Deferred itself with CancelledError and the reply,
    // still consumed in its turn, is then ignored (see Pending.cancelled).
    const deferred = new Deferred<unknown>();
    this.#enqueue(args, new Pending(deferred, (convert as ReplyConverter<unknown> | undefined) ?? null, null));
    return deferred as Deferred<T>;
  }

  /**
   * Sends several commands as one pipeline whose replies come back together: the Deferred
   * fires once, with an array holding each command's reply in order (converted by
   * `converters[i]` when given), and no Deferred per command. An error reply does not fail
   * the pipeline: its `RedisError` takes its slot (as does an error a converter throws);
   * the connection's end fails it with `RedisConnectionLostError`. Cancelling it drops the
   * replies as they come (the queue stays aligned). The commands are checked first: one
   * with a bad argument, or a (un)subscribe command (its confirmations are not replies),
   * fails the Deferred with `RedisArgumentError` and nothing is sent.
   *
   * For many independent commands this is cheaper than one {@link RedisProtocol.sendCommand}
   * each; see {@link RedisProtocol.pipeline} for the builder.
   */
  sendBatch(
    commands: readonly (readonly RedisArgument[])[],
    converters?: readonly (ReplyConverter<unknown> | null | undefined)[],
  ): Deferred<unknown[]> {
    const deferred = new Deferred<unknown>();
    if (commands.length === 0) {
      deferred.callback([]);
      return deferred as Deferred<unknown[]>;
    }
    for (let i = 0; i < commands.length; i += 1) {
      const name = (commands[i] as readonly RedisArgument[])[0];
      if (typeof name === "string" && name.length >= 9 && name.length <= 12 && PUBSUB_COMMAND.test(name)) {
        deferred.errback(new RedisArgumentError(`command ${i}: ${name} cannot be pipelined; use subscribe()/unsubscribe()`));
        return deferred as Deferred<unknown[]>;
      }
    }
    const entry = new Pending(deferred, null, null, null, 0, new BatchReplies(commands.length, converters ?? null));
    this.#enqueueBatch(commands, entry);
    return deferred as Deferred<unknown[]>;
  }

  /**
   * A pipeline being built: queue commands with `p.command(...)` (nothing is sent yet), then
   * `p.exec()` sends them all at once and fires once with every reply; see {@link RedisProtocol.sendBatch}.
   */
  pipeline(): RedisPipeline {
    return new RedisPipeline((commands, converters) => this.sendBatch(commands, converters));
  }

  /**
   * `SUBSCRIBE channel...`: `listener(message, channel)` gets each message of these
   * channels. Fires once the server confirmed every channel.
   */
  subscribe(channels: readonly string[], listener: MessageListener): Deferred<null> {
    return this.#subscribe("subscribe", channels, listener);
  }

  /** `PSUBSCRIBE pattern...`: `listener(message, channel, pattern)` for each matching message. */
  psubscribe(patterns: readonly string[], listener: MessageListener): Deferred<null> {
    return this.#subscribe("psubscribe", patterns, listener);
  }

  /** `UNSUBSCRIBE [channel...]` (every channel when none is given); their listeners are dropped. */
  unsubscribe(channels: readonly string[] = []): Deferred<null> {
    return this.#unsubscribe("unsubscribe", channels);
  }

  /** `PUNSUBSCRIBE [pattern...]`. */
  punsubscribe(patterns: readonly string[] = []): Deferred<null> {
    return this.#unsubscribe("punsubscribe", patterns);
  }

  /**
   * A transaction: queue commands with `tx.command(...)` (nothing is sent yet), then
   * `tx.exec()` writes `MULTI`, the commands and `EXEC` together. `exec()` gives the array
   * of replies (a command that failed at run time has its `RedisError` in its place), or
   * null when a `WATCH`ed key changed; it fails with `RedisExecAbortError` when a command
   * was refused while queueing (nothing ran).
   */
  multi(): RedisTransaction {
    return new RedisTransaction((commands) => this.#exec(commands));
  }

  /** Writes the commands issued so far now instead of on the next microtask. */
  flush(): void {
    this.#flushScheduled = false;
    if (this.#writer.pending === 0) return;
    const parts = this.#writer.take();
    const transport = this.transport;
    if (transport === null || this.#state === State.closed) return;
    if (parts.length === 1) transport.write(parts[0] as Buffer);
    else transport.writeSequence(parts);
  }

  /** Sends `QUIT` and closes once it is answered (or closes now if not connected). */
  quit(): Deferred<null> {
    const done = this.whenLost().addCallback(() => null);
    if (this.#state === State.closed) return done;
    this.#internal(["QUIT"], () => this.transport?.loseConnection());
    this.flush();
    return done;
  }

  #subscribe(kind: PubSubKind, names: readonly string[], listener: MessageListener): Deferred<null> {
    if (names.length === 0) return succeed(null);
    this.#pubsub.add(kind, names, listener);
    return this.#pubsubCommand(kind, names, names.length);
  }

  #unsubscribe(kind: PubSubKind, names: readonly string[]): Deferred<null> {
    const expected = names.length > 0 ? names.length : Math.max(1, this.#pubsub.count(kind));
    this.#pubsub.remove(kind, names);
    return this.#pubsubCommand(kind, names, expected);
  }

  #pubsubCommand(kind: PubSubKind, names: readonly string[], expected: number): Deferred<null> {
    const deferred = new Deferred<unknown>();
    const entry = new Pending(deferred, null, null, kind, expected);
    this.#enqueue([kind.toUpperCase(), ...names], entry);
    return deferred as Deferred<null>;
  }

  #exec(commands: readonly (readonly RedisArgument[])[]): Deferred<RespValue[] | null> {
    const queueErrors: (RedisError | undefined)[] = commands.map(() => undefined);
    this.#internal(["MULTI"], () => undefined);
    commands.forEach((args, i) => {
      this.#internal(args, (value) => {
        if (value instanceof RedisError) queueErrors[i] = value;
      });
    });
    return this.sendCommand(["EXEC"], (value) => {
      if (value === null || Array.isArray(value)) return value;
      throw new TypeError("EXEC gave neither an array nor null");
    }).addErrback((failure: Failure) => {
      const error = failure.value;
      if (error instanceof RedisError && error.code === "EXECABORT") throw new RedisExecAbortError(error, queueErrors);
      return failure;
    }) as Deferred<RespValue[] | null>;
  }

  /** An internal command; `bypassHeld` writes it now even during the handshake (the handshake's own commands). */
  #internal(args: readonly RedisArgument[], handle: (value: RespValue) => void, bypassHeld = false): void {
    const entry = new Pending(null, null, handle);
    if (bypassHeld) this.#write(args, entry);
    else this.#enqueue(args, entry);
  }

  #enqueue(args: readonly RedisArgument[], entry: Pending): void {
    if (this.#state === State.ready) this.#write(args, entry);
    else if (this.#state === State.handshake) this.#held.push({ args, batch: null, entry });
    else this.#fail(entry, this.#closedError());
  }

  #enqueueBatch(commands: readonly (readonly RedisArgument[])[], entry: Pending): void {
    if (this.#state === State.ready) this.#writeBatch(commands, entry);
    else if (this.#state === State.handshake) this.#held.push({ args: null, batch: commands, entry });
    else this.#fail(entry, this.#closedError());
  }

  #writeBatch(commands: readonly (readonly RedisArgument[])[], entry: Pending): void {
    try {
      this.#writer.appendAll(commands);
    } catch (error) {
      this.#fail(entry, error);
      return;
    }
    this.#queued(entry);
  }

  #write(args: readonly RedisArgument[], entry: Pending): void {
    try {
      this.#writer.append(args);
    } catch (error) {
      this.#fail(entry, error);
      return;
    }
    this.#queued(entry);
  }

  /** Queues an entry whose command(s) the writer holds: arms the timeout and the flush. */
  #queued(entry: Pending): void {
    this.#queue.push(entry);
    if (this.#timeout !== null && !this.#timeout.pending) this.#timeout.setTimeout(this.#options.replyTimeout ?? null);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(this.#flushLater);
    }
  }

  #afterAuth(resp2: boolean): void {
    const o = this.#options;
    if (resp2 && o.password !== undefined) {
      const args = o.username === undefined ? ["AUTH", o.password] : ["AUTH", o.username, o.password];
      this.#internal(args, (value) => this.#check("AUTH", value), true);
    }
    if (resp2 && o.clientName !== undefined)
      this.#internal(["CLIENT", "SETNAME", o.clientName], (value) => this.#check("CLIENT SETNAME", value), true);
    if (o.db !== undefined && o.db !== 0) this.#internal(["SELECT", o.db], (value) => this.#check("SELECT", value), true);
    this.#internal(
      ["PING"],
      (value) => {
        if (this.#state === State.handshake && !(value instanceof RedisError)) this.#becomeReady();
        else this.#check("PING", value);
      },
      true,
    );
    this.flush();
  }

  #check(what: string, value: RespValue): void {
    if (value instanceof RedisError) this.#handshakeFailed(what, value);
  }

  #becomeReady(): void {
    this.#state = State.ready;
    debug("ready (RESP%d)", this.#version);
    const held = this.#held;
    this.#held = [];
    for (const { args, batch, entry } of held) {
      if (entry.cancelled) continue;
      if (batch !== null) this.#writeBatch(batch, entry);
      else this.#write(args as readonly RedisArgument[], entry);
    }
    for (const d of this.#readyWaiters.splice(0)) d.callback(this);
  }

  #handshakeFailed(what: string, value: RespValue): void {
    if (this.#state !== State.handshake) return;
    const cause = value instanceof RedisError ? value : new Error(`unexpected reply ${describe(value)}`);
    const error = new RedisHandshakeError(`${what} failed: ${cause.message}`, { cause });
    this.#state = State.closed;
    this.#failure = new Failure(error);
    for (const { entry } of this.#held.splice(0)) this.#fail(entry, error);
    for (const d of this.#readyWaiters.splice(0)) d.errback(error);
    this.transport?.loseConnection();
  }

  #reply(value: RespValue): void {
    if (value instanceof RespPush) {
      this.#push(value.values, true);
      return;
    }
    const entry = this.#queue.peek();
    if (this.#version === 2 && Array.isArray(value) && this.#pubsubFrame(value, entry)) return;
    if (entry === undefined) {
      debug("reply with no command waiting: closing");
      this.transport?.loseConnection();
      return;
    }
    if (entry.batch !== null && !entry.batch.add(value, entry.cancelled)) {
      this.#timeout?.resetTimeout();
      return;
    }
    this.#shift();
    this.#settle(entry, value);
  }

  /** A RESP2 array that may be pub/sub traffic: handled (true) or a plain reply (false). */
  #pubsubFrame(value: RespValue[], entry: Pending | undefined): boolean {
    const first = value[0];
    if (!Buffer.isBuffer(first) || first.length > 12) return false;
    const kind = first.toString("latin1");
    if (entry?.pubsub !== null && entry !== undefined && PubSub.isConfirmation(kind)) return this.#push(value, false);
    if (this.#pubsub.subscribedCount > 0 && PubSub.isMessage(kind)) return this.#push(value, false);
    return false;
  }

  /** Pub/sub data (a RESP3 push or a RESP2 array); returns true. */
  #push(values: RespValue[], isPush: boolean): boolean {
    const kind = values[0] === undefined ? "" : respToString(values[0]);
    if (PubSub.isMessage(kind)) {
      this.#pubsub.dispatch(kind, values);
      return true;
    }
    if (PubSub.isConfirmation(kind)) {
      this.#pubsub.confirmed(values);
      const entry = this.#queue.peek();
      if (entry?.pubsub != null && PubSub.matches(entry.pubsub, kind)) {
        entry.confirmations -= 1;
        if (entry.confirmations <= 0) {
          this.#shift();
          this.#settle(entry, null);
        } else this.#timeout?.resetTimeout();
      }
      return true;
    }
    if (isPush) this.#options.onPush?.(new RespPush(values));
    return true;
  }

  #shift(): void {
    this.#queue.shift();
    const timeout = this.#timeout;
    if (timeout !== null) {
      if (this.#queue.length === 0) timeout.setTimeout(null);
      else timeout.resetTimeout();
    }
  }

  #settle(entry: Pending, value: RespValue): void {
    if (entry.handle !== null) {
      entry.handle(value);
      return;
    }
    const deferred = entry.deferred as Deferred<unknown>;
    if (entry.cancelled) return;
    if (entry.batch !== null) {
      deferred.callback(entry.batch.results);
      return;
    }
    if (value instanceof RedisError) {
      deferred.errback(value);
      return;
    }
    if (entry.convert === null) {
      deferred.callback(value);
      return;
    }
    let converted: unknown;
    try {
      converted = entry.convert(value);
    } catch (error) {
      deferred.errback(error);
      return;
    }
    deferred.callback(converted);
  }

  #fail(entry: Pending, error: unknown): void {
    if (entry.deferred !== null && !entry.cancelled) entry.deferred.errback(error);
  }

  #failAll(makeError: () => Error): void {
    const queue = this.#queue.drain();
    const held = this.#held.splice(0);
    for (const entry of queue) this.#fail(entry, makeError());
    for (const { entry } of held) this.#fail(entry, makeError());
  }

  #closedError(): Error {
    const failure = this.#failure;
    if (failure !== null && failure.value instanceof RedisHandshakeError) return failure.value;
    return new RedisConnectionClosedError("the Redis connection is closed", failure === null ? undefined : { cause: failure.value });
  }

  #timedOut(): void {
    const seconds = this.#options.replyTimeout ?? 0;
    debug("no reply for %s s: aborting", seconds);
    this.#failAll(() => new RedisTimeoutError(`no reply from Redis for ${seconds} s`));
    const transport = this.transport;
    if (transport !== null && canAbort(transport)) transport.abortConnection();
    else transport?.loseConnection();
  }
}

/** A transaction being built; see {@link RedisProtocol.multi}. */
export class RedisTransaction {
  readonly #commands: (readonly RedisArgument[])[] = [];
  readonly #run: (commands: readonly (readonly RedisArgument[])[]) => Deferred<RespValue[] | null>;
  #done = false;

  constructor(run: (commands: readonly (readonly RedisArgument[])[]) => Deferred<RespValue[] | null>) {
    this.#run = run;
  }

  /** How many commands are queued. */
  get length(): number {
    return this.#commands.length;
  }

  /** Queues one command (sent by {@link exec}). */
  command(name: string, ...args: RedisArgument[]): this {
    if (this.#done) throw new RedisConnectionClosedError("this transaction was already executed");
    this.#commands.push([name, ...args]);
    return this;
  }

  /** Sends `MULTI`, the commands and `EXEC`; see {@link RedisProtocol.multi}. */
  exec(): Deferred<RespValue[] | null> {
    if (this.#done) throw new RedisConnectionClosedError("this transaction was already executed");
    this.#done = true;
    return this.#run(this.#commands);
  }
}

/**
 * A pipeline being built; see {@link RedisProtocol.pipeline}. Unlike a transaction, the
 * commands are independent: each runs on its own and an error reply fills only its slot.
 */
export class RedisPipeline {
  readonly #commands: (readonly RedisArgument[])[] = [];
  #converters: (ReplyConverter<unknown> | null)[] | undefined;
  readonly #run: (
    commands: readonly (readonly RedisArgument[])[],
    converters: readonly (ReplyConverter<unknown> | null | undefined)[] | undefined,
  ) => Deferred<unknown[]>;
  #done = false;

  constructor(
    run: (
      commands: readonly (readonly RedisArgument[])[],
      converters: readonly (ReplyConverter<unknown> | null | undefined)[] | undefined,
    ) => Deferred<unknown[]>,
  ) {
    this.#run = run;
  }

  /** How many commands are queued. */
  get length(): number {
    return this.#commands.length;
  }

  /** Queues one command, its raw reply going to its slot (sent by {@link RedisPipeline.exec}). */
  command(name: string, ...args: RedisArgument[]): this {
    return this.add([name, ...args]);
  }

  /** Queues one command given as its argument array, its reply converted by `convert` if given. */
  add(args: readonly RedisArgument[], convert?: ReplyConverter<unknown>): this {
    if (this.#done) throw new RedisConnectionClosedError("this pipeline was already executed");
    if (convert !== undefined) {
      this.#converters ??= new Array<ReplyConverter<unknown> | null>(this.#commands.length).fill(null);
      this.#converters[this.#commands.length] = convert;
    } else if (this.#converters !== undefined) this.#converters.push(null);
    this.#commands.push(args);
    return this;
  }

  /** Sends every queued command at once; fires with their replies in order (see {@link RedisProtocol.sendBatch}). */
  exec(): Deferred<unknown[]> {
    if (this.#done) throw new RedisConnectionClosedError("this pipeline was already executed");
    this.#done = true;
    return this.#run(this.#commands, this.#converters);
  }
}

function describe(value: RespValue): string {
  return Buffer.isBuffer(value)
    ? `bulk string ${JSON.stringify(value.toString("latin1"))}`
    : JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

function canAbort(transport: ITransport): transport is ITransport & { abortConnection(): void } {
  return typeof (transport as Partial<{ abortConnection: unknown }>).abortConnection === "function";
}
