import createDebug from "debug";
import { ClientService, Service, type RetryPolicy } from "@torsion/application";
import type { IAddress, IProtocol, IProtocolFactory, IReactorTime } from "@torsion/core";
import { Deferred } from "@torsion/defer";
import { clientFromString } from "@torsion/endpoints";
import type { AmqpChannel, ConsumeOptions } from "./channel.js";
import type { ConnectAmqpOptions } from "./connect.js";
import { AmqpConnection } from "./connection.js";
import type { AmqpMessage } from "./message.js";
import type { BasicProperties } from "./spec/amqp-spec.generated.js";
import { parseAmqpUrl } from "./url.js";

const debug = createDebug("torsion:amqp:client");

/** Options of {@link AmqpClient}. */
export type AmqpClientOptions = ConnectAmqpOptions & {
  /** Seconds to wait after N consecutive failures (ClientService's). */
  readonly retryPolicy?: RetryPolicy;
};

/** A consumer the client keeps running across reconnects. */
interface ConsumerSpec {
  readonly queue: string | (() => string);
  readonly prefetch: number;
  readonly options: Omit<ConsumeOptions, "onMessage">;
  readonly handler: (message: AmqpMessage, channel: AmqpChannel) => unknown;
}

/**
 * A reconnecting AMQP client: a {@link Service} over `ClientService`. On every
 * (re)connection it runs the topology steps given to {@link declare} in order (exchanges,
 * queues, bindings), then starts every consumer given to {@link consume}, each on its own
 * channel with its prefetch, and only then hands the connection out.
 *
 * **What a reconnect loses** (the broker's state for the old connection is gone):
 * - Unacked deliveries: the broker requeues them and delivers them again, to this or
 *   another consumer, with `redelivered = true`. Acks for them sent on the old channel
 *   after the drop are lost too (the tag belongs to the dead channel), so a handler that
 *   was working on a message will see it again: make handlers idempotent.
 * - Publishes not yet confirmed: their Deferreds fail with `ConnectionLost`; the broker
 *   may or may not have them. Publish again (at-least-once) if that matters.
 * - Exclusive and auto-delete queues, with their messages, and server-named queue names:
 *   `declare` steps run again and may get a new name.
 * - Channels and consumers opened by hand on the old connection (`channel()`): only
 *   those registered with `consume` are resumed.
 */
export class AmqpClient extends Service {
  readonly #service: ClientService<AmqpConnection>;
  readonly #steps: ((channel: AmqpChannel) => unknown)[] = [];
  readonly #consumers: ConsumerSpec[] = [];
  #publishChannel: { connection: AmqpConnection; channel: Deferred<AmqpChannel> } | null = null;

  /**
   * @param reactor - time and the network (the reactor).
   * @param url - an `amqp://` / `amqps://` URL.
   */
  constructor(reactor: IReactorTime & object, url: string, options: AmqpClientOptions = {}) {
    super();
    const { endpoint, retryPolicy, ...rest } = options;
    const u = parseAmqpUrl(url);
    const connectionOptions = {
      clock: reactor,
      username: u.username,
      password: u.password,
      vhost: u.vhost,
      ...(u.heartbeat === undefined ? {} : { heartbeat: u.heartbeat }),
      ...(u.frameMax === undefined ? {} : { frameMax: u.frameMax }),
      ...(u.channelMax === undefined ? {} : { channelMax: u.channelMax }),
      ...rest,
    };
    const factory: IProtocolFactory = {
      buildProtocol: (_addr: IAddress): IProtocol => new AmqpConnection(connectionOptions),
      doStart: () => undefined,
      doStop: () => undefined,
    };
    const ep = endpoint === undefined || typeof endpoint === "string" ? clientFromString(reactor, endpoint ?? u.endpoint) : endpoint;
    this.#service = new ClientService<AmqpConnection>(ep, factory, {
      clock: reactor,
      ...(retryPolicy === undefined ? {} : { retryPolicy }),
      prepareConnection: (connection) => Deferred.fromPromise(this.#prepare(connection)),
    });
  }

  /** Adds a topology step, run on a fresh channel at every (re)connection, in order. */
  declare(step: (channel: AmqpChannel) => unknown): this {
    this.#steps.push(step);
    return this;
  }

  /**
   * Adds a consumer, started (again) at every (re)connection on its own channel with
   * `basic.qos(prefetch)` (default 1). `handler` gets each message and its channel (ack
   * with `channel.basicAck(message)` unless `noAck`); if it returns a promise, nothing
   * more is done with it: ack when the work is done. `queue` may be a function, read at
   * each connection (for a server-named queue a `declare` step just declared).
   */
  consume(queue: string | (() => string), handler: (message: AmqpMessage, channel: AmqpChannel) => unknown, options: Omit<ConsumeOptions, "onMessage"> & { readonly prefetch?: number } = {}): this {
    const { prefetch, ...rest } = options;
    this.#consumers.push({ queue, prefetch: prefetch ?? 1, options: rest, handler });
    return this;
  }

  /** The current connection, or the next one (after topology and consumers are set up). */
  whenConnected(): Deferred<AmqpConnection> {
    return this.#service.whenConnected();
  }

  /**
   * Publishes on a confirm-mode channel of the current connection (waiting for one if
   * the client is reconnecting); resolves when the broker confirms.
   */
  async publish(exchange: string, routingKey: string, body: Uint8Array | string, properties: BasicProperties = {}, mandatory = false): Promise<void> {
    const channel = await this.#channel();
    await channel.basicPublish(exchange, routingKey, body, properties, { mandatory });
  }

  async #channel(): Promise<AmqpChannel> {
    const connection = await this.whenConnected();
    const current = this.#publishChannel;
    if (current !== null && current.connection === connection) {
      const channel = await current.channel;
      if (channel.isOpen) return channel;
    }
    const channel = connection.channel().addCallback(async (ch) => {
      await ch.confirmSelect();
      return ch;
    });
    this.#publishChannel = { connection, channel };
    return channel;
  }

  async #prepare(connection: AmqpConnection): Promise<void> {
    await connection.whenReady();
    if (this.#steps.length > 0) {
      const channel = await connection.channel();
      for (const step of this.#steps) await step(channel);
      await channel.close();
    }
    for (const spec of this.#consumers) {
      const channel = await connection.channel();
      await channel.basicQos(spec.prefetch);
      await channel.basicConsume(typeof spec.queue === "string" ? spec.queue : spec.queue(), { ...spec.options, onMessage: (m) => spec.handler(m, channel) });
    }
    debug("connected: %d topology steps, %d consumers", this.#steps.length, this.#consumers.length);
  }

  override startService(): void {
    super.startService();
    this.#service.startService();
  }

  /**
   * Stops reconnecting and closes the connection gracefully (`AmqpConnection.close`, with
   * its timeout); fires once it is closed.
   */
  override stopService(): Deferred<unknown> {
    super.stopService();
    return Deferred.fromPromise(this.#stop());
  }

  async #stop(): Promise<void> {
    if (this.#service.state === "connected") {
      const connection = await this.#service.whenConnected();
      await connection.close().asPromise().catch(() => undefined);
    }
    await this.#service.stopService();
  }
}
