import { StringTransportWithDisconnection } from "@torsion/testing";
import type { AmqpConnection } from "../connection.js";
import { decodeContentHeader, decodeMethod, writeContent, writeMethod } from "../frame-codec.js";
import { FrameDecoder, FrameType, type Frame } from "../frame-decoder.js";
import { Writer } from "../spec/codec-io.js";
import type { AmqpMethod, BasicProperties, MethodArgsMap, MethodName } from "../spec/amqp-spec.generated.js";

/** A method the client sent, with its content for `basic.publish`. */
export interface ClientMethod {
  readonly channel: number;
  readonly method: AmqpMethod;
  readonly properties?: BasicProperties;
  readonly body?: Buffer;
}

/** Options of {@link FakeBroker}. */
export interface FakeBrokerOptions {
  /** Answer the handshake and every synchronous method as a broker would. @default true */
  readonly autoReply?: boolean;
  /** Ack every publish on a channel in confirm mode. @default true */
  readonly autoConfirm?: boolean;
  /** The broker's tune values. @default channel-max 2047, frame-max 131072, heartbeat 0 */
  readonly tune?: { readonly channelMax: number; readonly frameMax: number; readonly heartbeat: number };
  /**
   * How bytes to the client are split: a fixed chunk size, or a seed for pseudo-random
   * sizes from 1 to `maxChunk`. @default the whole of each reply in one chunk
   */
  readonly chunkSize?: number;
  readonly seed?: number;
  readonly maxChunk?: number;
}

/**
 * A scripted AMQP broker over an in-memory transport, for testing code that uses
 * `AmqpConnection` without RabbitMQ. It reads what the client wrote ({@link flush}),
 * records each method (see {@link received}), answers the handshake and the synchronous
 * methods (server-named queues `amq.gen-N` and consumer tags `amq.ctag-N`, empty
 * `basic.get`, acks in confirm mode), and sends scripted frames ({@link sendMethod},
 * {@link deliver}, {@link sendRaw}) to the client in the chunking chosen, so a test can
 * replay one transcript at every chunk size.
 */
export class FakeBroker {
  readonly transport = new StringTransportWithDisconnection();
  readonly connection: AmqpConnection;
  /** Every method the client sent, in order. */
  readonly received: ClientMethod[] = [];
  readonly #options: FakeBrokerOptions;
  readonly #decoder = new FrameDecoder({ frameMax: 1 << 24 });
  readonly #writer = new Writer();
  #headerSeen = false;
  #names = 0;
  #random: number;
  readonly #confirming = new Map<number, number>();
  readonly #content = new Map<number, { method: AmqpMethod; properties?: BasicProperties; size: number; parts: Buffer[] }>();

  constructor(connection: AmqpConnection, options: FakeBrokerOptions = {}) {
    this.connection = connection;
    this.#options = options;
    this.#random = options.seed ?? 1;
  }

  /** Connects the client to the in-memory transport and runs the handshake (with auto-reply). */
  start(): this {
    this.transport.protocol = this.connection;
    this.connection.makeConnection(this.transport);
    return this.flush();
  }

  /** The methods the client sent named `name`. */
  methods<K extends MethodName>(name: K): (ClientMethod & { method: { name: K; args: MethodArgsMap[K] } })[] {
    return this.received.filter((m) => m.method.name === name) as (ClientMethod & { method: { name: K; args: MethodArgsMap[K] } })[];
  }

  /** Reads and answers what the client wrote, until it writes nothing more. */
  flush(): this {
    for (let rounds = 0; rounds < 1000; rounds += 1) {
      const bytes = this.transport.value();
      if (bytes.length === 0) return this;
      this.transport.clear();
      let at = 0;
      if (!this.#headerSeen) {
        this.#headerSeen = true;
        at = 8;
        if (this.#auto) this.sendMethod(0, "connection.start", { versionMajor: 0, versionMinor: 9, serverProperties: { product: "FakeBroker" }, mechanisms: "PLAIN AMQPLAIN", locales: "en_US" });
      }
      this.#decoder.feed(bytes.subarray(at));
      for (let frame = this.#decoder.next(); frame !== undefined; frame = this.#decoder.next()) this.#clientFrame(frame);
    }
    throw new Error("FakeBroker: the client kept writing for 1000 rounds");
  }

  get #auto(): boolean {
    return this.#options.autoReply ?? true;
  }

  /** Sends a method frame to the client. */
  sendMethod<K extends MethodName>(channel: number, name: K, args: MethodArgsMap[K]): void {
    writeMethod(this.#writer, channel, name, args);
    this.sendRaw(this.#writer.take());
  }

  /** Sends a content header and body frames to the client. */
  sendContent(channel: number, body: Uint8Array, properties: BasicProperties = {}, frameMax = this.connection.frameMax): void {
    writeContent(this.#writer, channel, 60, properties, body, frameMax);
    this.sendRaw(this.#writer.take());
  }

  /** Sends `basic.deliver` and its content. */
  deliver(channel: number, consumerTag: string, body: Uint8Array | string, fields: { deliveryTag?: bigint; redelivered?: boolean; exchange?: string; routingKey?: string; properties?: BasicProperties } = {}): void {
    this.sendMethod(channel, "basic.deliver", {
      consumerTag,
      deliveryTag: fields.deliveryTag ?? 1n,
      redelivered: fields.redelivered ?? false,
      exchange: fields.exchange ?? "",
      routingKey: fields.routingKey ?? "",
    });
    this.sendContent(channel, typeof body === "string" ? Buffer.from(body) : body, fields.properties ?? {});
  }

  /** Sends bytes to the client, split per the chunking option, then reads its answers. */
  sendRaw(bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length; ) {
      const n = Math.min(this.#nextChunk(), bytes.length - at);
      if (this.transport.disconnecting) return;
      this.connection.dataReceived(Buffer.from(bytes.subarray(at, at + n)));
      at += n;
    }
  }

  /** Closes the transport from the broker's side (a dropped socket). */
  drop(reason?: Error): void {
    this.transport.peerClosed(reason);
  }

  #nextChunk(): number {
    const o = this.#options;
    if (o.chunkSize !== undefined) return o.chunkSize;
    if (o.seed === undefined) return Number.MAX_SAFE_INTEGER;
    // xorshift32: deterministic sizes for a seed.
    let x = this.#random;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#random = x >>> 0;
    return 1 + (this.#random % (o.maxChunk ?? 64));
  }

  #clientFrame(frame: Frame): void {
    if (frame.type === FrameType.heartbeat) return;
    const pending = this.#content.get(frame.channel);
    if (frame.type === FrameType.header && pending !== undefined) {
      const header = decodeContentHeader(frame.payload);
      pending.properties = header.properties;
      pending.size = header.bodySize;
      if (header.bodySize === 0) this.#contentDone(frame.channel);
      return;
    }
    if (frame.type === FrameType.body && pending !== undefined) {
      pending.parts.push(Buffer.from(frame.payload));
      if (pending.parts.reduce((n, p) => n + p.length, 0) >= pending.size) this.#contentDone(frame.channel);
      return;
    }
    const method = decodeMethod(Buffer.from(frame.payload));
    if (method.name === "basic.publish") {
      this.#content.set(frame.channel, { method, size: -1, parts: [] });
      return;
    }
    this.received.push({ channel: frame.channel, method });
    if (this.#auto) this.#reply(frame.channel, method);
  }

  #contentDone(channel: number): void {
    const c = this.#content.get(channel);
    if (c === undefined) return;
    this.#content.delete(channel);
    this.received.push({ channel, method: c.method, properties: c.properties ?? {}, body: Buffer.concat(c.parts) });
    const seq = this.#confirming.get(channel);
    if (seq !== undefined && (this.#options.autoConfirm ?? true)) {
      this.#confirming.set(channel, seq + 1);
      this.sendMethod(channel, "basic.ack", { deliveryTag: BigInt(seq + 1), multiple: false });
    }
  }

  #reply(ch: number, method: AmqpMethod): void {
    const tune = this.#options.tune ?? { channelMax: 2047, frameMax: 131072, heartbeat: 0 };
    switch (method.name) {
      case "connection.start-ok":
        this.sendMethod(0, "connection.tune", tune);
        return;
      case "connection.open":
        this.sendMethod(0, "connection.open-ok", {});
        return;
      case "connection.update-secret":
        this.sendMethod(0, "connection.update-secret-ok", {});
        return;
      case "connection.close":
        this.sendMethod(0, "connection.close-ok", {});
        return;
      case "channel.open":
        this.sendMethod(ch, "channel.open-ok", {});
        return;
      case "channel.close":
        this.#confirming.delete(ch);
        this.sendMethod(ch, "channel.close-ok", {});
        return;
      case "exchange.declare":
        this.sendMethod(ch, "exchange.declare-ok", {});
        return;
      case "exchange.delete":
        this.sendMethod(ch, "exchange.delete-ok", {});
        return;
      case "exchange.bind":
        this.sendMethod(ch, "exchange.bind-ok", {});
        return;
      case "exchange.unbind":
        this.sendMethod(ch, "exchange.unbind-ok", {});
        return;
      case "queue.declare":
        this.sendMethod(ch, "queue.declare-ok", { queue: method.args.queue || `amq.gen-${++this.#names}`, messageCount: 0, consumerCount: 0 });
        return;
      case "queue.bind":
        this.sendMethod(ch, "queue.bind-ok", {});
        return;
      case "queue.unbind":
        this.sendMethod(ch, "queue.unbind-ok", {});
        return;
      case "queue.purge":
        this.sendMethod(ch, "queue.purge-ok", { messageCount: 0 });
        return;
      case "queue.delete":
        this.sendMethod(ch, "queue.delete-ok", { messageCount: 0 });
        return;
      case "basic.qos":
        this.sendMethod(ch, "basic.qos-ok", {});
        return;
      case "basic.consume":
        this.sendMethod(ch, "basic.consume-ok", { consumerTag: method.args.consumerTag || `amq.ctag-${++this.#names}` });
        return;
      case "basic.cancel":
        this.sendMethod(ch, "basic.cancel-ok", { consumerTag: method.args.consumerTag });
        return;
      case "basic.get":
        this.sendMethod(ch, "basic.get-empty", {});
        return;
      case "basic.recover":
        this.sendMethod(ch, "basic.recover-ok", {});
        return;
      case "confirm.select":
        this.#confirming.set(ch, 0);
        this.sendMethod(ch, "confirm.select-ok", {});
        return;
      case "tx.select":
        this.sendMethod(ch, "tx.select-ok", {});
        return;
      case "tx.commit":
        this.sendMethod(ch, "tx.commit-ok", {});
        return;
      case "tx.rollback":
        this.sendMethod(ch, "tx.rollback-ok", {});
        return;
      default:
        return;
    }
  }
}
