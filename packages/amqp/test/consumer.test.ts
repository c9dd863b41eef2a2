import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AmqpConsumer, ChannelClosed, ConnectionClosed, ShortStringTooLong, AmqpFrameError, type AmqpMessage } from "@torsion/amqp";

const message = (text: string): AmqpMessage => ({ body: Buffer.from(text), properties: {}, deliveryTag: 1n, redelivered: false, exchange: "", routingKey: "q", consumerTag: "t" });

describe("AmqpConsumer", () => {
  it("hands messages to its handler, holds them while paused, and releases them in order on resume", () => {
    const got: string[] = [];
    const consumer = new AmqpConsumer({ cancelConsumer: () => Promise.resolve() }, "q", "t", (m) => got.push(m.body.toString()));
    consumer.deliver(message("a"));
    consumer.pauseProducing();
    consumer.deliver(message("b"));
    consumer.deliver(message("c"));
    assert.deepEqual(got, ["a"]);
    assert.equal(consumer.heldCount, 2);
    consumer.resumeProducing();
    assert.deepEqual(got, ["a", "b", "c"]);
  });

  it("as an iterator, yields held messages and then throws the channel's error", async () => {
    const consumer = new AmqpConsumer({ cancelConsumer: () => Promise.resolve() }, "q", "t", null);
    consumer.deliver(message("x"));
    const error = new ChannelClosed(1, { replyCode: 404, replyText: "NOT_FOUND", classId: 50, methodId: 10 }, true);
    consumer.end(error);
    const iterator = consumer[Symbol.asyncIterator]();
    const first = await iterator.next();
    assert.equal(first.done, false);
    assert.equal(first.value.body.toString(), "x");
    await assert.rejects(iterator.next(), ChannelClosed);
    assert.equal(await consumer.whenEnded(), error);
  });

  it("stopProducing cancels through its channel", () => {
    const cancelled: string[] = [];
    const consumer = new AmqpConsumer({ cancelConsumer: (tag) => (cancelled.push(tag), Promise.resolve()) }, "q", "tag-1", null);
    consumer.stopProducing();
    assert.deepEqual(cancelled, ["tag-1"]);
  });
});

describe("the errors", () => {
  it("carry a name, a stable code and the broker's close reason", () => {
    const closed = new ConnectionClosed({ replyCode: 320, replyText: "CONNECTION_FORCED", classId: 0, methodId: 0 }, true);
    assert.deepEqual([closed.name, closed.code, closed.replyCode, closed.byBroker], ["ConnectionClosed", "ERR_AMQP_CONNECTION_CLOSED", 320, true]);
    const channel = new ChannelClosed(3, { replyCode: 406, replyText: "PRECONDITION_FAILED", classId: 50, methodId: 10 }, true);
    assert.deepEqual([channel.name, channel.code, channel.channel, channel.classId, channel.methodId], ["ChannelClosed", "ERR_AMQP_CHANNEL_CLOSED", 3, 50, 10]);
    assert.equal(new ShortStringTooLong(300).code, "ERR_AMQP_SHORTSTR_TOO_LONG");
    assert.equal(new AmqpFrameError("x").replyCode, 501);
  });
});

describe("a failing onMessage handler", () => {
  it("is reported, and the consumer keeps handing messages over", async () => {
    const reported: string[] = [];
    const { setErrorReporter, getErrorReporter } = await import("@torsion/defer");
    const previous = getErrorReporter();
    setErrorReporter((failure) => reported.push(failure.getErrorMessage()));
    try {
      const got: string[] = [];
      const consumer = new AmqpConsumer({ cancelConsumer: () => Promise.resolve() }, "q", "t", (m) => {
        got.push(m.body.toString());
        if (got.length === 1) throw new Error("boom");
        if (got.length === 2) return Promise.reject(new Error("async boom"));
        return undefined;
      });
      consumer.deliver(message("a"));
      consumer.deliver(message("b"));
      consumer.deliver(message("c"));
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(got, ["a", "b", "c"]);
      assert.equal(reported.length, 2);
      assert.match(reported.join(" "), /boom/);
    } finally {
      setErrorReporter(previous);
    }
  });
});
