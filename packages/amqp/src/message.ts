/** The messages a channel hands out: deliveries, `basic.get` results and returned messages. */
import type { BasicProperties } from "./spec/amqp-spec.generated.js";

/** A message's content: its properties and body. */
export interface AmqpContent {
  /** The 14 basic properties (only those the publisher set are present). */
  readonly properties: BasicProperties;
  /** The body bytes (the channel's to give: the receiver may keep it). */
  readonly body: Buffer;
}

/** A message delivered to a consumer (`basic.deliver`) or fetched with `basic.get` (`get-ok`). */
export interface AmqpMessage extends AmqpContent {
  /** The delivery tag, per channel, to ack/nack/reject with (64-bit). */
  readonly deliveryTag: bigint;
  /** True if the broker delivered this message before (and it was not acked). */
  readonly redelivered: boolean;
  /** The exchange it was published to (`""`: the default exchange). */
  readonly exchange: string;
  readonly routingKey: string;
  /** The consumer's tag (`basic.deliver`); `""` for `basic.get`. */
  readonly consumerTag: string;
  /** For `basic.get`: how many messages are left in the queue; otherwise `undefined`. */
  readonly messageCount?: number | undefined;
}

/** A message the broker returned (`basic.return`): mandatory and unroutable. */
export interface ReturnedMessage extends AmqpContent {
  readonly replyCode: number;
  readonly replyText: string;
  readonly exchange: string;
  readonly routingKey: string;
}
