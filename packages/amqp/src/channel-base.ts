import createDebug from "debug";
import { Deferred, fail, reportError, succeed } from "@torsion/defer";
import { AmqpConsumer, type ConsumerHost } from "./consumer.js";
import { AmqpStateError, ChannelClosed, ConsumerCancelled, MessageReturned, PublishNacked } from "./errors.js";
import { decodeContentHeader, decodeMethod, writeContent, writeMethod } from "./frame-codec.js";
import { FrameType, type Frame } from "./frame-decoder.js";
import type { AmqpMessage, ReturnedMessage } from "./message.js";
import type { Writer } from "./spec/codec-io.js";
import { METHOD_IDS, type AmqpMethod, type BasicProperties, type MethodArgsMap, type MethodName } from "./spec/amqp-spec.generated.js";

const debug = createDebug("torsion:amqp:channel");

/** What a channel needs of its connection. @internal */
export interface ChannelHost {
  /** The connection's frame writer (shared: encode, then `take()`). */
  readonly writer: Writer;
  /** The negotiated frame-max. */
  readonly frameMax: number;
  /** Writes frames to the transport. */
  send(bytes: Buffer): void;
  /** The channel is closed; its id may be reused. */
  channelFreed(id: number): void;
  /** A protocol error on this channel: the connection closes with `replyCode`. */
  protocolError(replyCode: number, text: string, classId: number, methodId: number): void;
}

/** A synchronous request waiting for its answer. */
interface Rpc {
  /** The encoded method frame. */
  readonly bytes: Buffer;
  readonly answers: readonly number[];
  readonly deferred: Deferred<AmqpMethod | AmqpMessage>;
}

const State = { opening: 0, open: 1, closing: 2, closed: 3 } as const;
type State = (typeof State)[keyof typeof State];

/**
 * A body the user may keep: a view of a much larger read buffer is copied out, so keeping
 * a 1 KiB message does not keep the whole 64 KiB read alive.
 */
function ownBytes(payload: Buffer): Buffer {
  return payload.buffer.byteLength > payload.length * 2 ? Buffer.from(payload) : payload;
}

const ASSEMBLE_IDLE = 0;
const ASSEMBLE_HEADER = 1;
const ASSEMBLE_BODY = 2;

/**
 * The channel's machinery under {@link AmqpChannel}'s operations: the synchronous-request
 * queue (one outstanding per channel), content assembly (method, header, bodies), the
 * close handshake, consumers and publisher confirms. @internal
 */
export class ChannelBase implements ConsumerHost {
  /** The channel number (1..channel-max). */
  readonly id: number;
  protected readonly host: ChannelHost;
  #state: State = State.opening;
  readonly #rpcs: Rpc[] = [];
  #closeDeferred: Deferred<void> | null = null;
  #closeError: Error | null = null;
  // Content assembly.
  #assembling = ASSEMBLE_IDLE;
  #contentMethod: AmqpMethod | null = null;
  #properties: BasicProperties = {};
  #bodySize = 0;
  #bodyParts: Buffer[] = [];
  #bodyGot = 0;
  // Consumers and confirms.
  protected readonly consumers = new Map<string, AmqpConsumer>();
  readonly #cancelling = new Map<string, Deferred<unknown>>();
  #confirms: Map<number, Deferred<void>> | null = null;
  #publishSeq = 0;
  #returned: ReturnedMessage | null = null;
  /** Called with each returned message (`basic.return`). */
  onReturn: ((message: ReturnedMessage) => void) | null = null;
  /** Called once when the channel closes, with the reason. */
  onClose: ((error: Error) => void) | null = null;

  constructor(host: ChannelHost, id: number) {
    this.host = host;
    this.id = id;
  }

  /** True while the channel is open. */
  get isOpen(): boolean {
    return this.#state === State.open;
  }

  /** Why the channel closed, once it has (a {@link ChannelClosed}, or the connection's error). */
  get closeReason(): Error | null {
    return this.#closeError;
  }

  /** True once `confirmSelect()` succeeded. */
  get confirmMode(): boolean {
    return this.#confirms !== null;
  }

  /** How many publishes wait for the broker's confirm. */
  get unconfirmedCount(): number {
    return this.#confirms?.size ?? 0;
  }

  /** @internal Sends `channel.open`; the Deferred fires with this channel on `open-ok`. */
  open(): Deferred<this> {
    return this.rpc("channel.open", {}, ["channel.open-ok"]).addCallback(() => {
      this.#state = State.open;
      return this;
    });
  }

  /**
   * Queues a synchronous method; it is sent when every earlier one on this channel was
   * answered. The Deferred fires with the answer (one of `answers`).
   */
  protected rpc<K extends MethodName>(name: K, args: MethodArgsMap[K], answers: readonly MethodName[]): Deferred<AmqpMethod> {
    if (this.#state >= State.closing) return this.#closedDeferred();
    let bytes: Buffer;
    try {
      bytes = this.#encode(name, args);
    } catch (error) {
      return fail<AmqpMethod>(error);
    }
    const deferred = new Deferred<AmqpMethod | AmqpMessage>();
    this.#rpcs.push({ bytes, answers: answers.map((a) => METHOD_IDS[a]), deferred });
    if (this.#rpcs.length === 1) this.host.send(bytes);
    return deferred as Deferred<AmqpMethod>;
  }

  /** Like {@link rpc}, for `basic.get`: fires with the message, or `null` for `get-empty`. */
  protected rpcContent(name: "basic.get", args: MethodArgsMap["basic.get"]): Deferred<AmqpMessage | null> {
    return (this.rpc(name, args, ["basic.get-ok", "basic.get-empty"]) as Deferred<unknown>).addCallback((answer) =>
      (answer as AmqpMethod).name === "basic.get-empty" ? null : (answer as AmqpMessage),
    );
  }

  #closedDeferred<T>(): Deferred<T> {
    const error = this.#closeError ?? new AmqpStateError(`channel ${this.id} is closed`);
    const d = new Deferred<T>();
    d.errback(error);
    return d;
  }

  /** Sends an asynchronous method (ack, nack, reject, ...) now. */
  protected sendAsync<K extends MethodName>(name: K, args: MethodArgsMap[K]): void {
    this.assertOpen();
    this.#send(name, args);
  }

  protected assertOpen(): void {
    if (this.#state !== State.open) throw this.#closeError ?? new AmqpStateError(`channel ${this.id} is not open`);
  }

  #encode<K extends MethodName>(name: K, args: MethodArgsMap[K]): Buffer {
    writeMethod(this.host.writer, this.id, name, args);
    return this.host.writer.take();
  }

  #send<K extends MethodName>(name: K, args: MethodArgsMap[K]): void {
    this.host.send(this.#encode(name, args));
  }

  /**
   * Publishes: `basic.publish`, the content header and the body frames, in one write. In
   * confirm mode the Deferred fires when the broker acks it and fails with
   * {@link PublishNacked} or {@link MessageReturned}; otherwise it has already fired.
   */
  protected publish(exchange: string, routingKey: string, body: Uint8Array, properties: BasicProperties, mandatory: boolean): Deferred<void> {
    this.assertOpen();
    const w = this.host.writer;
    const mark = w.pos;
    writeMethod(w, this.id, "basic.publish", { exchange, routingKey, mandatory, immediate: false });
    try {
      writeContent(w, this.id, 60, properties, body, this.host.frameMax);
    } catch (error) {
      w.pos = mark;
      throw error;
    }
    this.host.send(w.take());
    if (this.#confirms === null) return succeed(undefined);
    const deferred = new Deferred<void>();
    this.#publishSeq += 1;
    this.#confirms.set(this.#publishSeq, deferred);
    return deferred;
  }

  /** @internal `confirm.select-ok` arrived: publishes are numbered from 1. */
  protected enterConfirmMode(): void {
    if (this.#confirms === null) this.#confirms = new Map();
  }

  /** Sends `basic.cancel`; fires on `cancel-ok`. */
  cancelConsumer(tag: string): Deferred<unknown> {
    const consumer = this.consumers.get(tag);
    if (consumer === undefined) return succeed(undefined);
    const waiting = this.#cancelling.get(tag);
    if (waiting !== undefined) return waiting;
    const d = this.rpc("basic.cancel", { consumerTag: tag, noWait: false }, ["basic.cancel-ok"]).addCallback(() => {
      this.#cancelling.delete(tag);
      this.consumers.delete(tag);
      consumer.end(null);
      return tag;
    });
    this.#cancelling.set(tag, d);
    return d;
  }

  /** @internal Registers a consumer once `consume-ok` named it. */
  protected addConsumer(queue: string, tag: string, handler: ((message: AmqpMessage) => unknown) | null): AmqpConsumer {
    const consumer = new AmqpConsumer(this, queue, tag, handler);
    this.consumers.set(tag, consumer);
    return consumer;
  }

  /**
   * Closes the channel (`channel.close` 200, then waits for `close-ok`). Pending calls fail
   * with {@link ChannelClosed} at once; later frames are discarded. Idempotent.
   */
  close(): Deferred<void> {
    if (this.#state === State.closed) return succeed(undefined);
    if (this.#closeDeferred !== null) return this.#closeDeferred;
    const deferred = new Deferred<void>();
    this.#closeDeferred = deferred;
    const reason = { replyCode: 200, replyText: "Goodbye", classId: 0, methodId: 0 };
    this.#state = State.closing;
    try {
      this.#send("channel.close", reason);
    } catch (error) {
      this.#closed(new ChannelClosed(this.id, reason, false, { cause: error }));
      return deferred;
    }
    this.#failAll(new ChannelClosed(this.id, reason, false));
    return deferred;
  }

  /** @internal The connection failed or closed: everything on this channel fails with `error`. */
  connectionFailed(error: Error): void {
    if (this.#state === State.closed) return;
    this.#closed(error);
  }

  #closed(error: Error): void {
    const wasClosing = this.#closeDeferred;
    this.#state = State.closed;
    this.#closeError = error;
    this.#failAll(error);
    this.host.channelFreed(this.id);
    if (wasClosing !== null) wasClosing.callback(undefined);
    if (this.onClose !== null) this.#callUser(() => this.onClose?.(error), "onClose");
  }

  #failAll(error: Error): void {
    const rpcs = this.#rpcs.splice(0);
    for (const rpc of rpcs) rpc.deferred.errback(error);
    this.#cancelling.clear();
    const confirms = this.#confirms;
    if (confirms !== null && confirms.size > 0) {
      const pending = [...confirms.values()];
      confirms.clear();
      for (const d of pending) d.errback(error);
    }
    const consumers = [...this.consumers.values()];
    this.consumers.clear();
    for (const consumer of consumers) consumer.end(error);
    this.#assembling = ASSEMBLE_IDLE;
    this.#bodyParts = [];
  }

  /** @internal One frame for this channel, from the connection. */
  frameReceived(frame: Frame): void {
    if (this.#state === State.closed) return;
    // After sending close, content frames (of deliveries already in flight) are discarded.
    if (this.#state === State.closing && frame.type !== FrameType.method) return;
    switch (frame.type) {
      case FrameType.method:
        if (this.#assembling !== ASSEMBLE_IDLE) {
          this.#unexpected("a method frame in the middle of content");
          return;
        }
        this.#methodReceived(decodeMethod(frame.payload));
        return;
      case FrameType.header:
        if (this.#assembling !== ASSEMBLE_HEADER) {
          this.#unexpected("an unexpected content header");
          return;
        }
        this.#headerReceived(frame.payload);
        return;
      case FrameType.body:
        if (this.#assembling !== ASSEMBLE_BODY) {
          this.#unexpected("an unexpected body frame");
          return;
        }
        this.#bodyReceived(frame.payload);
        return;
      default:
        this.#unexpected(`frame type ${frame.type} on a channel`);
        return;
    }
  }

  #unexpected(text: string): void {
    const method = this.#contentMethod;
    this.host.protocolError(505, `UNEXPECTED_FRAME - ${text} on channel ${this.id}`, method?.classId ?? 0, method?.methodId ?? 0);
  }

  #methodReceived(method: AmqpMethod): void {
    if (this.#state === State.closing) {
      // After sending close, only close-ok (or the broker's own close) matters.
      if (method.name === "channel.close-ok") this.#closed(this.#closeError ?? new ChannelClosed(this.id, { replyCode: 200, replyText: "Goodbye", classId: 0, methodId: 0 }, false));
      else if (method.name === "channel.close") {
        this.#send("channel.close-ok", {});
        this.#closed(new ChannelClosed(this.id, method.args, true));
      }
      return;
    }
    switch (method.name) {
      case "basic.deliver":
      case "basic.return":
      case "basic.get-ok":
        this.#contentMethod = method;
        this.#assembling = ASSEMBLE_HEADER;
        return;
      case "basic.ack":
        this.#confirmed(Number(method.args.deliveryTag), method.args.multiple, true);
        return;
      case "basic.nack":
        this.#confirmed(Number(method.args.deliveryTag), method.args.multiple, false);
        return;
      case "basic.cancel":
        this.#brokerCancelled(method.args.consumerTag, method.args.noWait);
        return;
      case "channel.close":
        debug("channel %d closed by the broker: %d %s", this.id, method.args.replyCode, method.args.replyText);
        this.#send("channel.close-ok", {});
        this.#closed(new ChannelClosed(this.id, method.args, true));
        return;
      case "channel.flow":
        this.#send("channel.flow-ok", { active: method.args.active });
        return;
      default:
        this.#answer(method);
        return;
    }
  }

  #answer(answer: AmqpMethod | AmqpMessage, id = METHOD_IDS[(answer as AmqpMethod).name]): void {
    const rpc = this.#rpcs[0];
    if (!rpc?.answers.includes(id)) {
      const name = "name" in answer ? answer.name : "basic.get-ok";
      this.host.protocolError(505, `UNEXPECTED_FRAME - ${name} answers nothing pending on channel ${this.id}`, id >>> 16, id & 0xffff);
      return;
    }
    this.#rpcs.shift();
    const next = this.#rpcs[0];
    if (next !== undefined) this.host.send(next.bytes);
    rpc.deferred.callback(answer);
  }

  #headerReceived(payload: Buffer): void {
    const header = decodeContentHeader(payload);
    this.#properties = header.properties;
    this.#bodySize = header.bodySize;
    this.#bodyGot = 0;
    if (header.bodySize === 0) this.#contentComplete(Buffer.alloc(0));
    else this.#assembling = ASSEMBLE_BODY;
  }

  #bodyReceived(payload: Buffer): void {
    this.#bodyGot += payload.length;
    if (this.#bodyGot > this.#bodySize) {
      this.#unexpected("more body bytes than the header announced");
      return;
    }
    if (this.#bodyGot === this.#bodySize && this.#bodyParts.length === 0) {
      this.#contentComplete(ownBytes(payload));
      return;
    }
    this.#bodyParts.push(payload);
    if (this.#bodyGot < this.#bodySize) return;
    const parts = this.#bodyParts;
    this.#bodyParts = [];
    this.#contentComplete(Buffer.concat(parts, this.#bodySize));
  }

  #contentComplete(body: Buffer): void {
    const method = this.#contentMethod as AmqpMethod;
    const properties = this.#properties;
    this.#assembling = ASSEMBLE_IDLE;
    this.#contentMethod = null;
    if (method.name === "basic.deliver") {
      const a = method.args;
      const consumer = this.consumers.get(a.consumerTag);
      const message: AmqpMessage = { body, properties, deliveryTag: a.deliveryTag, redelivered: a.redelivered, exchange: a.exchange, routingKey: a.routingKey, consumerTag: a.consumerTag };
      if (consumer === undefined) debug("channel %d: delivery for unknown consumer %s dropped", this.id, a.consumerTag);
      else consumer.deliver(message);
    } else if (method.name === "basic.get-ok") {
      const a = method.args;
      const message: AmqpMessage = { body, properties, deliveryTag: a.deliveryTag, redelivered: a.redelivered, exchange: a.exchange, routingKey: a.routingKey, consumerTag: "", messageCount: a.messageCount };
      this.#answer(message, METHOD_IDS["basic.get-ok"]);
    } else if (method.name === "basic.return") {
      const returned: ReturnedMessage = { ...method.args, body, properties };
      if (this.#confirms !== null) this.#returned = returned;
      if (this.onReturn !== null) this.#callUser(() => this.onReturn?.(returned), "onReturn");
      else debug("channel %d: message returned (%d %s) with no onReturn handler", this.id, returned.replyCode, returned.replyText);
    }
  }

  /** Runs a user callback; what it throws is reported, not allowed to break the connection. */
  #callUser(fn: () => void, what: string): void {
    try {
      fn();
    } catch (error) {
      reportError(error, `the ${what} handler of channel ${this.id}`);
    }
  }

  #confirmed(tag: number, multiple: boolean, ack: boolean): void {
    const confirms = this.#confirms;
    if (confirms === null) return;
    const returned = this.#returned;
    this.#returned = null;
    const settle = (seq: number, d: Deferred<void>): void => {
      if (returned !== null && seq === tag) d.errback(new MessageReturned(returned.replyCode, returned.replyText, returned.exchange, returned.routingKey));
      else if (ack) d.callback(undefined);
      else d.errback(new PublishNacked(seq));
    };
    if (!multiple) {
      const d = confirms.get(tag);
      if (d === undefined) return;
      confirms.delete(tag);
      settle(tag, d);
      return;
    }
    for (const [seq, d] of confirms) {
      if (seq > tag) break;
      confirms.delete(seq);
      settle(seq, d);
    }
  }

  #brokerCancelled(tag: string, noWait: boolean): void {
    if (!noWait) this.#send("basic.cancel-ok", { consumerTag: tag });
    const consumer = this.consumers.get(tag);
    if (consumer === undefined) return;
    this.consumers.delete(tag);
    consumer.end(null, true);
    debug("channel %d: %s", this.id, new ConsumerCancelled(tag).message);
  }
}
