import type { Deferred } from "@torsion/defer";
import { ChannelBase } from "./channel-base.js";
import type { AmqpConsumer } from "./consumer.js";
import type { FieldTable } from "./field-table.js";
import type { AmqpMessage } from "./message.js";
import type { BasicProperties } from "./spec/amqp-spec.generated.js";

/** Options of {@link AmqpChannel.exchangeDeclare}. */
export interface ExchangeDeclareOptions {
  /** Only check that it exists (404 channel error if not). @default false */
  readonly passive?: boolean;
  /** Survives a broker restart. @default false */
  readonly durable?: boolean;
  /** Deleted when its last binding goes. @default false */
  readonly autoDelete?: boolean;
  /** Cannot be published to directly, only through exchange-to-exchange bindings. @default false */
  readonly internal?: boolean;
  readonly arguments?: FieldTable;
}

/** Options of {@link AmqpChannel.queueDeclare}. */
export interface QueueDeclareOptions {
  readonly passive?: boolean;
  /** Survives a broker restart (its persistent messages too). @default false */
  readonly durable?: boolean;
  /** Used by this connection only, and deleted when it closes. @default false */
  readonly exclusive?: boolean;
  /** Deleted when its last consumer goes. @default false */
  readonly autoDelete?: boolean;
  /** `x-message-ttl`, `x-max-length`, `x-queue-type`, ... */
  readonly arguments?: FieldTable;
}

/** What `queue.declare-ok` says. */
export interface QueueDeclared {
  /** The queue's name (server-named `amq.gen-…` when declared with `""`). */
  readonly queue: string;
  readonly messageCount: number;
  readonly consumerCount: number;
}

/** Options of {@link AmqpChannel.basicConsume}. */
export interface ConsumeOptions {
  /** The tag; `""` (the default) lets the broker name it (`amq.ctag-…`). */
  readonly consumerTag?: string;
  readonly noLocal?: boolean;
  /** Deliveries need no ack (the broker forgets them once sent). @default false */
  readonly noAck?: boolean;
  /** The only consumer of the queue. @default false */
  readonly exclusive?: boolean;
  readonly arguments?: FieldTable;
  /** Called with each message; without it, iterate the consumer (`for await`). */
  readonly onMessage?: (message: AmqpMessage) => unknown;
}

/** Options of {@link AmqpChannel.basicPublish}. */
export interface PublishOptions {
  /** Return the message (`basic.return`) if no queue is bound to receive it. @default false */
  readonly mandatory?: boolean;
}

type Tag = bigint | AmqpMessage;
const tagOf = (tag: Tag): bigint => (typeof tag === "bigint" ? tag : tag.deliveryTag);
const toBody = (body: Uint8Array | string): Uint8Array => (typeof body === "string" ? Buffer.from(body, "utf8") : body);

/**
 * An AMQP channel, made by `AmqpConnection.channel()`. Every operation that waits for the
 * broker returns a Deferred (await it, or add callbacks); they are sent one at a time, in
 * call order. A channel error (404, 406, ...) closes the channel: every pending call fails
 * with `ChannelClosed`, and the connection and other channels stay usable. Asynchronous
 * methods (`basicPublish`, acks) are written at once, so `await` a declaration before
 * publishing to what it declares.
 */
export class AmqpChannel extends ChannelBase {
  /** `exchange.declare`. `type`: `direct`, `fanout`, `topic`, `headers` (or a plugin's). */
  exchangeDeclare(exchange: string, type: string, options: ExchangeDeclareOptions = {}): Deferred<void> {
    return this.rpc(
      "exchange.declare",
      {
        exchange,
        type,
        passive: options.passive ?? false,
        durable: options.durable ?? false,
        autoDelete: options.autoDelete ?? false,
        internal: options.internal ?? false,
        noWait: false,
        arguments: options.arguments ?? {},
      },
      ["exchange.declare-ok"],
    ).addCallback(() => undefined);
  }

  /** `exchange.delete`. */
  exchangeDelete(exchange: string, options: { readonly ifUnused?: boolean } = {}): Deferred<void> {
    return this.rpc("exchange.delete", { exchange, ifUnused: options.ifUnused ?? false, noWait: false }, ["exchange.delete-ok"]).addCallback(() => undefined);
  }

  /** `exchange.bind` (RabbitMQ's exchange-to-exchange binding): messages from `source` matching `routingKey` go to `destination`. */
  exchangeBind(destination: string, source: string, routingKey = "", args: FieldTable = {}): Deferred<void> {
    return this.rpc("exchange.bind", { destination, source, routingKey, noWait: false, arguments: args }, ["exchange.bind-ok"]).addCallback(() => undefined);
  }

  /** `exchange.unbind`. */
  exchangeUnbind(destination: string, source: string, routingKey = "", args: FieldTable = {}): Deferred<void> {
    return this.rpc("exchange.unbind", { destination, source, routingKey, noWait: false, arguments: args }, ["exchange.unbind-ok"]).addCallback(() => undefined);
  }

  /** `queue.declare`; `""` asks the broker to name the queue. */
  queueDeclare(queue = "", options: QueueDeclareOptions = {}): Deferred<QueueDeclared> {
    return this.rpc(
      "queue.declare",
      {
        queue,
        passive: options.passive ?? false,
        durable: options.durable ?? false,
        exclusive: options.exclusive ?? false,
        autoDelete: options.autoDelete ?? false,
        noWait: false,
        arguments: options.arguments ?? {},
      },
      ["queue.declare-ok"],
    ).addCallback((answer) => {
      const a = (answer as { args: QueueDeclared }).args;
      return { queue: a.queue, messageCount: a.messageCount, consumerCount: a.consumerCount };
    });
  }

  /** `queue.bind`. */
  queueBind(queue: string, exchange: string, routingKey = "", args: FieldTable = {}): Deferred<void> {
    return this.rpc("queue.bind", { queue, exchange, routingKey, noWait: false, arguments: args }, ["queue.bind-ok"]).addCallback(() => undefined);
  }

  /** `queue.unbind`. */
  queueUnbind(queue: string, exchange: string, routingKey = "", args: FieldTable = {}): Deferred<void> {
    return this.rpc("queue.unbind", { queue, exchange, routingKey, arguments: args }, ["queue.unbind-ok"]).addCallback(() => undefined);
  }

  /** `queue.purge`; fires with how many messages were removed. */
  queuePurge(queue: string): Deferred<number> {
    return this.rpc("queue.purge", { queue, noWait: false }, ["queue.purge-ok"]).addCallback((answer) => (answer as { args: { messageCount: number } }).args.messageCount);
  }

  /** `queue.delete`; fires with how many messages it held. */
  queueDelete(queue: string, options: { readonly ifUnused?: boolean; readonly ifEmpty?: boolean } = {}): Deferred<number> {
    return this.rpc("queue.delete", { queue, ifUnused: options.ifUnused ?? false, ifEmpty: options.ifEmpty ?? false, noWait: false }, ["queue.delete-ok"]).addCallback(
      (answer) => (answer as { args: { messageCount: number } }).args.messageCount,
    );
  }

  /** `basic.qos`: at most `prefetchCount` unacked deliveries per consumer (or per channel with `global`). 0 = no limit. */
  basicQos(prefetchCount: number, options: { readonly prefetchSize?: number; readonly global?: boolean } = {}): Deferred<void> {
    return this.rpc("basic.qos", { prefetchSize: options.prefetchSize ?? 0, prefetchCount, global: options.global ?? false }, ["basic.qos-ok"]).addCallback(() => undefined);
  }

  /**
   * `basic.publish` with its content (bodies split at frame-max), written at once. In
   * confirm mode ({@link confirmSelect}) the Deferred fires when the broker acks the
   * message, and fails with `PublishNacked` on a nack or `MessageReturned` if a
   * `mandatory` message was returned; otherwise it has already fired (use `onReturn` for
   * returns). Throws `ShortStringTooLong` (nothing sent) for an exchange, routing key or
   * property over 255 bytes, and `AmqpStateError` on a closed channel.
   */
  basicPublish(exchange: string, routingKey: string, body: Uint8Array | string, properties: BasicProperties = {}, options: PublishOptions = {}): Deferred<void> {
    return this.publish(exchange, routingKey, toBody(body), properties, options.mandatory ?? false);
  }

  /**
   * `basic.consume`. Fires with the consumer (a push producer and async iterable) once the
   * broker confirmed it (`consume-ok`); deliveries may follow at once.
   */
  basicConsume(queue: string, options: ConsumeOptions = {}): Deferred<AmqpConsumer> {
    return this.rpc(
      "basic.consume",
      {
        queue,
        consumerTag: options.consumerTag ?? "",
        noLocal: options.noLocal ?? false,
        noAck: options.noAck ?? false,
        exclusive: options.exclusive ?? false,
        noWait: false,
        arguments: options.arguments ?? {},
      },
      ["basic.consume-ok"],
    ).addCallback((answer) => this.addConsumer(queue, (answer as { args: { consumerTag: string } }).args.consumerTag, options.onMessage ?? null));
  }

  /** `basic.cancel`: stops a consumer; fires with its tag once the broker confirmed. */
  basicCancel(consumerTag: string): Deferred<string> {
    return this.cancelConsumer(consumerTag).addCallback(() => consumerTag);
  }

  /** `basic.ack` of one delivery, or of every delivery up to it with `multiple`. */
  basicAck(tag: Tag, multiple = false): void {
    this.sendAsync("basic.ack", { deliveryTag: tagOf(tag), multiple });
  }

  /** `basic.nack` (RabbitMQ's extension): rejects one or (with `multiple`) several deliveries; `requeue` defaults to true. */
  basicNack(tag: Tag, options: { readonly multiple?: boolean; readonly requeue?: boolean } = {}): void {
    this.sendAsync("basic.nack", { deliveryTag: tagOf(tag), multiple: options.multiple ?? false, requeue: options.requeue ?? true });
  }

  /** `basic.reject` of one delivery; `requeue` defaults to true (false: dropped or dead-lettered). */
  basicReject(tag: Tag, requeue = true): void {
    this.sendAsync("basic.reject", { deliveryTag: tagOf(tag), requeue });
  }

  /** `basic.get`: one message, or `null` if the queue is empty. */
  basicGet(queue: string, options: { readonly noAck?: boolean } = {}): Deferred<AmqpMessage | null> {
    return this.rpcContent("basic.get", { queue, noAck: options.noAck ?? false });
  }

  /** `basic.recover`: redeliver this channel's unacked messages (`requeue` defaults to true). */
  basicRecover(requeue = true): Deferred<void> {
    return this.rpc("basic.recover", { requeue }, ["basic.recover-ok"]).addCallback(() => undefined);
  }

  /** `confirm.select`: puts the channel in confirm mode; publishes are then numbered from 1 and acked by the broker. */
  confirmSelect(): Deferred<void> {
    return this.rpc("confirm.select", { nowait: false }, ["confirm.select-ok"]).addCallback(() => {
      this.enterConfirmMode();
    });
  }

  /** `tx.select`: puts the channel in transaction mode. */
  txSelect(): Deferred<void> {
    return this.rpc("tx.select", {}, ["tx.select-ok"]).addCallback(() => undefined);
  }

  /** `tx.commit`: publishes and acks since the last commit take effect. */
  txCommit(): Deferred<void> {
    return this.rpc("tx.commit", {}, ["tx.commit-ok"]).addCallback(() => undefined);
  }

  /** `tx.rollback`: publishes and acks since the last commit are dropped. */
  txRollback(): Deferred<void> {
    return this.rpc("tx.rollback", {}, ["tx.rollback-ok"]).addCallback(() => undefined);
  }
}
