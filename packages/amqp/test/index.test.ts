import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import * as amqp from "@torsion/amqp";
import * as testing from "@torsion/amqp/testing";

describe("@torsion/amqp's index", () => {
  it("exports the client API and its errors, and the testing kit from ./testing", () => {
    for (const name of ["connectAmqp", "AmqpConnection", "AmqpChannel", "AmqpConsumer", "AmqpClient", "parseAmqpUrl", "FrameDecoder", "Writer", "Reader",
      "writeMethod", "writeContent", "decodeMethod", "decodeContentHeader", "METHOD_INFO", "METHOD_IDS", "typed", "AmqpDecimal",
      "ChannelClosed", "ConnectionClosed", "ConnectionLost", "HeartbeatTimeout", "ShortStringTooLong", "PublishNacked", "MessageReturned", "AmqpFrameError"]) {
      assert.ok(name in amqp, name);
    }
    assert.ok(!("PACKAGE_NAME" in amqp));
    assert.ok("FakeBroker" in testing && "RabbitMQNode" in testing);
  });
});
