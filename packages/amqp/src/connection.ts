import createDebug from "debug";
import { Protocol, type DecodeError, type IDelayedCall, type IPushProducer, type IReactorTime } from "@torsion/core";
import { Deferred, succeed, type Failure } from "@torsion/defer";
import { FramingDriver } from "@torsion/protocols";
import { AmqpChannel } from "./channel.js";
import type { ChannelHost } from "./channel-base.js";
import {
  AmqpError,
  AmqpSyntaxError,
  ChannelLimitError,
  CloseTimeout,
  ConnectionClosed,
  ConnectionLost,
  HandshakeTimeout,
  HeartbeatTimeout,
  type CloseReason,
} from "./errors.js";
import type { FieldTable } from "./field-table.js";
import { HEARTBEAT_FRAME, PROTOCOL_HEADER, decodeMethod, writeMethod } from "./frame-codec.js";
import { FrameDecoder, FrameType, type Frame } from "./frame-decoder.js";
import { Heartbeat } from "./heartbeat.js";
import { Writer } from "./spec/codec-io.js";
import type { AmqpMethod, MethodArgsMap, MethodName } from "./spec/amqp-spec.generated.js";

const debug = createDebug("torsion:amqp:connection");

/** Options of {@link AmqpConnection}. */
export interface AmqpConnectionOptions {
  /** The clock heartbeats and the close timeout run on (the reactor). */
  readonly clock: IReactorTime;
  /** @default "guest" */
  readonly username?: string;
  /** @default "guest" */
  readonly password?: string;
  /** @default "/" */
  readonly vhost?: string;
  /** Heartbeat interval in seconds wished for (negotiated with the broker's: the lower non-zero). @default 60 */
  readonly heartbeat?: number;
  /** Largest frame wished for, in bytes (the lower non-zero of both sides). @default 131072 */
  readonly frameMax?: number;
  /** Most channels wished for (the lower non-zero of both sides). @default 2047 */
  readonly channelMax?: number;
  /** Shown in the broker's management UI. */
  readonly connectionName?: string;
  /** Extra client properties sent in `start-ok`. */
  readonly clientProperties?: FieldTable;
  /** Seconds the handshake (up to `open-ok`) may take before the connection is aborted with `HandshakeTimeout`. @default 30 */
  readonly handshakeTimeout?: number;
  /** Seconds {@link AmqpConnection.close} waits for the handshake before aborting. @default 10 */
  readonly closeTimeout?: number;
}

/** The values agreed in `connection.tune`. */
export interface TuneParameters {
  readonly channelMax: number;
  readonly frameMax: number;
  readonly heartbeat: number;
}

const lowerNonZero = (a: number, b: number): number => (a === 0 ? b : b === 0 ? a : Math.min(a, b));

/**
 * An AMQP 0-9-1 connection: the protocol over one transport (connect it with
 * `connectAmqp`, or hand it to any endpoint). It sends the protocol header, logs in with
 * PLAIN, negotiates channel-max, frame-max and heartbeat, opens the vhost, then
 * multiplexes {@link AmqpChannel}s.
 *
 * - {@link whenReady} fires once `open-ok` arrived (or fails: bad credentials give a
 *   `ConnectionClosed` 403, a lost socket `ConnectionLost`).
 * - Heartbeats: sent when nothing was sent for an interval; two silent intervals from the
 *   broker abort the connection with {@link HeartbeatTimeout}.
 * - `connection.blocked`: publishers registered with {@link registerPublisher} are paused
 *   until `connection.unblocked`; {@link whenUnblocked} waits for it.
 * - A connection error (the broker's `connection.close`, a protocol error found here, a
 *   lost socket) fails every pending call on every channel; {@link whenClosed} fires.
 */
export class AmqpConnection extends Protocol implements ChannelHost {
  /** The frame writer shared by the channels. @internal */
  readonly writer = new Writer();
  readonly #options: AmqpConnectionOptions;
  readonly #clock: IReactorTime;
  readonly #decoder = new FrameDecoder();
  readonly #framing: FramingDriver<Frame, AmqpConnection>;
  readonly #channels = new Map<number, AmqpChannel>();
  readonly #readyWaiters: Deferred<AmqpConnection>[] = [];
  readonly #closeWaiters: Deferred<void>[] = [];
  readonly #closedWaiters: Deferred<Error | null>[] = [];
  readonly #unblockWaiters: Deferred<void>[] = [];
  readonly #publishers = new Set<IPushProducer>();
  readonly #secretWaiters: Deferred<void>[] = [];
  #tune: TuneParameters = { channelMax: 0, frameMax: 4096, heartbeat: 0 };
  #serverProperties: FieldTable = {};
  #heartbeat: Heartbeat | null = null;
  #handshakeTimer: IDelayedCall | null = null;
  #nextChannel = 1;
  #isReady = false;
  #closing = false;
  #lost = false;
  #closeError: Error | null = null;
  #blockedReason: string | null = null;

  constructor(options: AmqpConnectionOptions) {
    super();
    this.#options = options;
    this.#clock = options.clock;
    this.#framing = new FramingDriver<Frame, AmqpConnection>(this, this.#decoder, {
      deliver: (frame) => this.#frameReceived(frame),
      decodeFailed: (error) => {
        this.#decodeFailed(error);
      },
      name: "AmqpConnection",
    });
  }

  /** The negotiated frame-max (bytes, overhead included). */
  get frameMax(): number {
    return this.#tune.frameMax;
  }

  /** The values agreed in `connection.tune`. */
  get tuneParameters(): TuneParameters {
    return this.#tune;
  }

  /** What the broker said about itself in `connection.start` (product, version, capabilities...). */
  get serverProperties(): FieldTable {
    return this.#serverProperties;
  }

  /** True from `open-ok` until the connection closes. */
  get isOpen(): boolean {
    return this.#isReady && !this.#lost && !this.#closing;
  }

  /** True while the broker has blocked publishing (`connection.blocked`). */
  get blocked(): boolean {
    return this.#blockedReason !== null;
  }

  /** Why the broker blocked publishing (`low on memory`...), or `null`. */
  get blockedReason(): string | null {
    return this.#blockedReason;
  }

  /** Fires with this connection once the vhost is open; fails if the handshake does. */
  whenReady(): Deferred<this> {
    const d = new Deferred<this>();
    if (this.#isReady && !this.#lost) d.callback(this);
    else if (this.#lost) d.errback(this.#closeError ?? new ConnectionLost("the connection is closed"));
    else this.#readyWaiters.push(d);
    return d;
  }

  /** Fires once the transport is closed, with why (`null` after a clean {@link close}). */
  whenClosed(): Deferred<Error | null> {
    const d = new Deferred<Error | null>();
    if (this.#lost) d.callback(this.#closeError);
    else this.#closedWaiters.push(d);
    return d;
  }

  /** Fires when the broker unblocks publishing (at once if it is not blocked). */
  whenUnblocked(): Deferred<void> {
    if (this.#blockedReason === null) return succeed(undefined);
    const d = new Deferred<void>();
    this.#unblockWaiters.push(d);
    return d;
  }

  /** Registers a publisher: paused while the broker blocks the connection, resumed after (and paused now if blocked). */
  registerPublisher(publisher: IPushProducer): void {
    this.#publishers.add(publisher);
    if (this.#blockedReason !== null) publisher.pauseProducing();
  }

  /** Forgets a publisher. */
  unregisterPublisher(publisher: IPushProducer): void {
    this.#publishers.delete(publisher);
  }

  /**
   * RabbitMQ's `connection.update-secret`: replaces the credential the connection was
   * opened with (an expiring OAuth 2 token, say); fires on `update-secret-ok`.
   */
  updateSecret(newSecret: string, reason: string): Deferred<void> {
    const d = new Deferred<void>();
    if (!this.isOpen) {
      d.errback(this.#closeError ?? new AmqpError("the connection is not open"));
      return d;
    }
    this.#secretWaiters.push(d);
    this.#sendMethod("connection.update-secret", { newSecret, reason });
    return d;
  }

  /** Opens a channel (the lowest free id from 1); fires on `open-ok`. */
  channel(): Deferred<AmqpChannel> {
    if (!this.isOpen) {
      const d = new Deferred<AmqpChannel>();
      d.errback(this.#closeError ?? new AmqpError("the connection is not open"));
      return d;
    }
    const id = this.#allocateChannel();
    if (id === null) {
      const d = new Deferred<AmqpChannel>();
      d.errback(new ChannelLimitError(`all ${this.#tune.channelMax} channels are in use`));
      return d;
    }
    const channel = new AmqpChannel(this, id);
    this.#channels.set(id, channel);
    return channel.open();
  }

  #allocateChannel(): number | null {
    const max = this.#tune.channelMax === 0 ? 65535 : this.#tune.channelMax;
    for (let tries = 0; tries < max; tries += 1) {
      const id = this.#nextChannel;
      this.#nextChannel = id >= max ? 1 : id + 1;
      if (!this.#channels.has(id)) return id;
    }
    return null;
  }

  /**
   * Closes gracefully: closes every channel, then the connection (`connection.close` 200,
   * waiting for `close-ok`), then the socket. After `timeout` seconds (default: the
   * `closeTimeout` option) the socket is aborted instead. Fires once the socket is closed.
   */
  close(timeout: number = this.#options.closeTimeout ?? 10): Deferred<void> {
    const d = new Deferred<void>();
    if (this.#lost) {
      d.callback(undefined);
      return d;
    }
    this.#closeWaiters.push(d);
    if (this.#closing) return d;
    this.#closing = true;
    const timer = this.#clock.callLater(timeout, () => {
      debug("close timed out after %ss; aborting", timeout);
      this.#closeError ??= new CloseTimeout(`close did not complete within ${timeout} s`);
      this.#abort();
    });
    this.whenClosed().addBoth(() => {
      if (timer.active()) timer.cancel();
    });
    if (!this.#isReady) {
      this.transportOrNull?.loseConnection();
      return d;
    }
    const open = [...this.#channels.values()].filter((c) => c.isOpen);
    let pending = open.length + 1;
    const closedOne = (): void => {
      pending -= 1;
      if (pending > 0 || this.#lost) return;
      this.#sendMethod("connection.close", { replyCode: 200, replyText: "Goodbye", classId: 0, methodId: 0 });
    };
    for (const channel of open) channel.close().addBoth(closedOne);
    closedOne();
    return d;
  }

  override connectionMade(): void {
    const seconds = this.#options.handshakeTimeout ?? 30;
    this.#handshakeTimer = this.#clock.callLater(seconds, () => {
      this.#handshakeTimer = null;
      debug("no open-ok within %ss; aborting", seconds);
      this.#closeError ??= new HandshakeTimeout(`the broker did not complete the handshake within ${seconds} s`);
      this.#abort();
    });
    this.#send(PROTOCOL_HEADER);
  }

  #stopHandshakeTimer(): void {
    if (this.#handshakeTimer?.active() === true) this.#handshakeTimer.cancel();
    this.#handshakeTimer = null;
  }

  override dataReceived(data: Buffer): void {
    if (this.#heartbeat !== null) this.#heartbeat.received = true;
    this.#framing.dataReceived(data);
  }

  override connectionLost(reason: Failure): void {
    this.#lost = true;
    this.#framing.connectionLost();
    this.#heartbeat?.stop();
    this.#stopHandshakeTimer();
    const clean = this.#closing && this.#closeError === null;
    const error =
      this.#closeError ?? (clean ? null : new ConnectionLost(`connection lost: ${reason.getErrorMessage()}`, { cause: reason.value }));
    this.#closeError = error;
    debug("connection lost%s", error === null ? " (closed cleanly)" : `: ${error.message}`);
    const channelError = error ?? new ConnectionClosed({ replyCode: 200, replyText: "Goodbye", classId: 0, methodId: 0 }, false);
    for (const channel of [...this.#channels.values()]) channel.connectionFailed(channelError);
    this.#channels.clear();
    for (const d of this.#readyWaiters.splice(0)) d.errback(channelError);
    for (const d of this.#unblockWaiters.splice(0)) d.errback(channelError);
    for (const d of this.#secretWaiters.splice(0)) d.errback(channelError);
    for (const d of this.#closeWaiters.splice(0)) d.callback(undefined);
    for (const d of this.#closedWaiters.splice(0)) d.callback(error);
  }

  /** Writes frames. @internal */
  send(bytes: Buffer): void {
    this.#send(bytes);
  }

  #send(bytes: Buffer): void {
    if (this.#heartbeat !== null) this.#heartbeat.sent = true;
    this.transportOrNull?.write(bytes);
  }

  #sendMethod<K extends MethodName>(name: K, args: MethodArgsMap[K]): void {
    writeMethod(this.writer, 0, name, args);
    this.#send(this.writer.take());
  }

  /** A channel closed. @internal */
  channelFreed(id: number): void {
    this.#channels.delete(id);
  }

  /**
   * A protocol error found here: sends `connection.close` with `replyCode`, fails
   * everything with a {@link ConnectionClosed}, and closes the socket. @internal
   */
  protocolError(replyCode: number, text: string, classId: number, methodId: number): void {
    if (this.#lost) return;
    debug("protocol error %d: %s", replyCode, text);
    const reason: CloseReason = { replyCode, replyText: text, classId, methodId };
    this.#closeError ??= new ConnectionClosed(reason, false);
    if (!this.transportOrNull?.disconnecting) this.#sendMethod("connection.close", reason);
    this.transportOrNull?.loseConnection();
  }

  #decodeFailed(error: DecodeError): void {
    const reason: CloseReason = { replyCode: 501, replyText: `FRAME_ERROR - ${error.message}`.slice(0, 255), classId: 0, methodId: 0 };
    this.#closeError ??= new ConnectionClosed(reason, false, { cause: error });
    this.#sendMethod("connection.close", reason);
  }

  #abort(): void {
    const transport = this.transportOrNull as { abortConnection?: () => void; loseConnection(): void } | null;
    if (transport === null) return;
    if (transport.abortConnection !== undefined) transport.abortConnection();
    else transport.loseConnection();
  }

  #frameReceived(frame: Frame): void {
    try {
      if (frame.channel === 0) {
        this.#connectionFrame(frame);
        return;
      }
      const channel = this.#channels.get(frame.channel);
      if (channel === undefined) {
        debug("frame for channel %d, which is not open: dropped", frame.channel);
        return;
      }
      channel.frameReceived(frame);
    } catch (error) {
      if (error instanceof AmqpSyntaxError) {
        this.protocolError(error.replyCode, `SYNTAX_ERROR - ${error.message}`.slice(0, 255), 0, 0);
        return;
      }
      throw error;
    }
  }

  #connectionFrame(frame: Frame): void {
    if (frame.type === FrameType.heartbeat) return;
    if (frame.type !== FrameType.method) {
      this.protocolError(505, `UNEXPECTED_FRAME - frame type ${frame.type} on channel 0`, 0, 0);
      return;
    }
    this.#connectionMethod(decodeMethod(frame.payload));
  }

  #connectionMethod(method: AmqpMethod): void {
    switch (method.name) {
      case "connection.start":
        this.#start(method.args);
        return;
      case "connection.tune":
        this.#tuned(method.args);
        return;
      case "connection.open-ok":
        this.#stopHandshakeTimer();
        this.#isReady = true;
        debug("connection open (vhost %s)", this.#options.vhost ?? "/");
        for (const d of this.#readyWaiters.splice(0)) d.callback(this);
        return;
      case "connection.close":
        this.#closeError = new ConnectionClosed(method.args, true);
        debug("closed by the broker: %d %s", method.args.replyCode, method.args.replyText);
        this.#sendMethod("connection.close-ok", {});
        this.transportOrNull?.loseConnection();
        return;
      case "connection.close-ok":
        this.transportOrNull?.loseConnection();
        return;
      case "connection.blocked":
        this.#setBlocked(method.args.reason);
        return;
      case "connection.unblocked":
        this.#setBlocked(null);
        return;
      case "connection.update-secret-ok":
        this.#secretWaiters.shift()?.callback(undefined);
        return;
      default:
        this.protocolError(503, `COMMAND_INVALID - ${method.name} on channel 0`, method.classId, method.methodId);
        return;
    }
  }

  #start(args: MethodArgsMap["connection.start"]): void {
    this.#serverProperties = args.serverProperties;
    if (!args.mechanisms.split(" ").includes("PLAIN")) {
      this.protocolError(530, `NOT_ALLOWED - the broker does not offer PLAIN (offers ${args.mechanisms})`, 10, 11);
      return;
    }
    const o = this.#options;
    const clientProperties: FieldTable = {
      product: "@torsion/amqp",
      platform: `Node.js ${process.version}`,
      capabilities: {
        publisher_confirms: true,
        consumer_cancel_notify: true,
        exchange_exchange_bindings: true,
        "basic.nack": true,
        "connection.blocked": true,
        authentication_failure_close: true,
      },
      ...(o.connectionName === undefined ? {} : { connection_name: o.connectionName }),
      ...o.clientProperties,
    };
    const response = `\0${o.username ?? "guest"}\0${o.password ?? "guest"}`;
    this.#sendMethod("connection.start-ok", { clientProperties, mechanism: "PLAIN", response, locale: "en_US" });
  }

  #tuned(args: MethodArgsMap["connection.tune"]): void {
    const o = this.#options;
    const tune: TuneParameters = {
      channelMax: lowerNonZero(args.channelMax, o.channelMax ?? 2047),
      frameMax: lowerNonZero(args.frameMax, o.frameMax ?? 131072),
      heartbeat: lowerNonZero(args.heartbeat, o.heartbeat ?? 60),
    };
    this.#tune = tune;
    this.#decoder.frameMax = tune.frameMax === 0 ? 0xffff_ffff : tune.frameMax;
    this.#sendMethod("connection.tune-ok", tune);
    if (tune.heartbeat > 0) {
      this.#heartbeat = new Heartbeat(
        this.#clock,
        tune.heartbeat,
        () => this.#send(HEARTBEAT_FRAME),
        () => this.#heartbeatMissed(),
      );
      this.#heartbeat.start();
    }
    this.#sendMethod("connection.open", { virtualHost: o.vhost ?? "/" });
  }

  #heartbeatMissed(): void {
    debug("no traffic from the broker for two heartbeat intervals; aborting");
    this.#closeError ??= new HeartbeatTimeout(`no heartbeat from the broker for ${2 * this.#tune.heartbeat} s`);
    this.#abort();
  }

  #setBlocked(reason: string | null): void {
    const was = this.#blockedReason;
    this.#blockedReason = reason;
    debug(reason === null ? "unblocked" : `blocked: ${reason}`);
    if (reason !== null && was === null) for (const p of [...this.#publishers]) p.pauseProducing();
    if (reason === null && was !== null) {
      for (const p of [...this.#publishers]) p.resumeProducing();
      for (const d of this.#unblockWaiters.splice(0)) d.callback(undefined);
    }
  }
}
