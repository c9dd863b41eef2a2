import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Clock, failureResultOf, successResultOf, assertNoResult } from "@torsion/testing";
import {
  AmqpConnection,
  ChannelClosed,
  ConnectionClosed,
  ConnectionLost,
  HandshakeTimeout,
  HeartbeatTimeout,
  MessageReturned,
  PublishNacked,
  HEARTBEAT_FRAME,
  Writer,
  writeContent,
  writeMethod,
  type AmqpChannel,
  type AmqpMessage,
} from "@torsion/amqp";
import { FakeBroker, type FakeBrokerOptions } from "@torsion/amqp/testing";

function setUp(options: FakeBrokerOptions = {}, connectionOptions: Partial<ConstructorParameters<typeof AmqpConnection>[0]> = {}): { clock: Clock; broker: FakeBroker; connection: AmqpConnection } {
  const clock = new Clock();
  const connection = new AmqpConnection({ clock, username: "u", password: "p", vhost: "v", heartbeat: 0, ...connectionOptions });
  const broker = new FakeBroker(connection, options).start();
  return { clock, broker, connection };
}

function openChannel(broker: FakeBroker, connection: AmqpConnection): AmqpChannel {
  const d = connection.channel();
  broker.flush();
  return successResultOf(d);
}

describe("AmqpConnection over the fake broker", () => {
  it("logs in with PLAIN, announces its capabilities, negotiates tune values and opens the vhost", () => {
    const { broker, connection } = setUp({ tune: { channelMax: 100, frameMax: 8192, heartbeat: 30 } }, { heartbeat: 10, frameMax: 0 });
    const startOk = broker.methods("connection.start-ok")[0]?.method.args;
    assert.equal(startOk?.mechanism, "PLAIN");
    assert.equal(startOk.response, "\0u\0p");
    const capabilities = startOk.clientProperties.capabilities as Record<string, unknown>;
    for (const name of ["publisher_confirms", "consumer_cancel_notify", "exchange_exchange_bindings", "basic.nack", "connection.blocked", "authentication_failure_close"]) assert.equal(capabilities[name], true, name);
    assert.deepEqual(broker.methods("connection.tune-ok")[0]?.method.args, { channelMax: 100, frameMax: 8192, heartbeat: 10 });
    assert.equal(broker.methods("connection.open")[0]?.method.args.virtualHost, "v");
    assert.equal(successResultOf(connection.whenReady()), connection);
    assert.equal(connection.frameMax, 8192);
  });

  it("fails whenReady with the broker's 403 on bad credentials", () => {
    const clock = new Clock();
    const connection = new AmqpConnection({ clock });
    const broker = new FakeBroker(connection, { autoReply: false });
    broker.start();
    broker.sendMethod(0, "connection.start", { versionMajor: 0, versionMinor: 9, serverProperties: {}, mechanisms: "PLAIN", locales: "en_US" });
    broker.flush();
    broker.sendMethod(0, "connection.close", { replyCode: 403, replyText: "ACCESS_REFUSED - Login was refused", classId: 10, methodId: 11 });
    const failure = failureResultOf(connection.whenReady(), ConnectionClosed);
    assert.equal((failure.value as ConnectionClosed).replyCode, 403);
    assert.ok(broker.transport.closed);
  });

  it("allocates channel ids from 1 and sends one synchronous method at a time", () => {
    const { broker, connection } = setUp({ autoReply: true });
    const a = openChannel(broker, connection);
    const b = openChannel(broker, connection);
    assert.deepEqual([a.id, b.id], [1, 2]);
    const before = broker.received.length;
    const broker2 = broker;
    // Collect without answering: switch auto-reply off by reading the transport by hand.
    const d1 = a.queueDeclare("");
    const d2 = a.queueBind("q", "ex", "rk");
    const written = broker2.transport.value();
    assert.ok(written.includes(Buffer.from([0, 50, 0, 10])), "queue.declare sent");
    assert.ok(!written.includes(Buffer.from([0, 50, 0, 20])), "queue.bind waits for declare-ok");
    broker.flush();
    assert.equal(successResultOf(d1).queue, "amq.gen-1");
    successResultOf(d2);
    assert.equal(broker.received.length, before + 2);
  });

  it("fails a channel's pending calls with ChannelClosed on a channel error and keeps the connection usable", () => {
    const { broker, connection } = setUp({ autoReply: false });
    broker.sendMethod(0, "connection.start", { versionMajor: 0, versionMinor: 9, serverProperties: {}, mechanisms: "PLAIN", locales: "" });
    broker.flush();
    broker.sendMethod(0, "connection.tune", { channelMax: 0, frameMax: 131072, heartbeat: 0 });
    broker.sendMethod(0, "connection.open-ok", {});
    const d = connection.channel();
    broker.flush();
    broker.sendMethod(1, "channel.open-ok", {});
    const channel = successResultOf(d);
    const declare = channel.queueDeclare("q", { durable: true });
    const queued = channel.queuePurge("q");
    broker.flush();
    broker.sendMethod(1, "channel.close", { replyCode: 406, replyText: "PRECONDITION_FAILED - inequivalent arg 'durable'", classId: 50, methodId: 10 });
    const error = failureResultOf(declare, ChannelClosed).value as ChannelClosed;
    assert.deepEqual([error.replyCode, error.classId, error.methodId, error.byBroker, error.channel], [406, 50, 10, true, 1]);
    failureResultOf(queued, ChannelClosed);
    broker.flush();
    assert.equal(broker.methods("channel.close-ok").length, 1);
    assert.ok(connection.isOpen);
    assert.throws(() => channel.basicPublish("", "q", "x"), ChannelClosed);
    const next = connection.channel();
    broker.flush();
    assertNoResult(next);
    assert.equal(broker.methods("channel.open").at(-1)?.channel, 2);
  });

  it("fails everything with ConnectionClosed when the broker closes the connection", () => {
    const { broker, connection } = setUp();
    const a = openChannel(broker, connection);
    const b = openChannel(broker, connection);
    broker.transport.clear();
    const d1 = a.basicQos(1);
    const d2 = b.exchangeDeclare("x", "topic");
    broker.sendMethod(0, "connection.close", { replyCode: 320, replyText: "CONNECTION_FORCED - shutdown", classId: 0, methodId: 0 });
    for (const d of [d1, d2]) assert.equal((failureResultOf(d, ConnectionClosed).value as ConnectionClosed).replyCode, 320);
    assert.ok(broker.transport.value().includes(Buffer.from([0, 10, 0, 51])), "close-ok sent");
    assert.ok(successResultOf(connection.whenClosed()) instanceof ConnectionClosed);
  });

  it("fails everything with ConnectionLost when the socket drops", () => {
    const { broker, connection } = setUp();
    const a = openChannel(broker, connection);
    broker.transport.clear();
    const d = a.queueDeclare("q");
    broker.drop();
    failureResultOf(d, ConnectionLost);
  });

  it("answers an unexpected frame with connection.close 505", () => {
    const { broker, connection } = setUp();
    openChannel(broker, connection);
    broker.transport.clear();
    broker.sendContent(1, Buffer.from("stray"));
    assert.ok(broker.transport.closed);
    const error = successResultOf(connection.whenClosed()) as ConnectionClosed;
    assert.equal(error.replyCode, 505);
  });

  it("assembles deliveries at every chunking and hands them to the consumer in order", () => {
    const bodies = [Buffer.alloc(0), Buffer.from("small"), Buffer.alloc(300_000, 9)];
    const expected = bodies.map((b) => b.toString("hex"));
    for (const options of [{ chunkSize: 1 }, { chunkSize: 7 }, { chunkSize: 4096 }, { seed: 42, maxChunk: 5000 }, { seed: 7, maxChunk: 17 }, {}]) {
      const { broker, connection } = setUp(options);
      const channel = openChannel(broker, connection);
      const got: AmqpMessage[] = [];
      const consumer = channel.basicConsume("q", { onMessage: (m) => got.push(m) });
      broker.flush();
      const tag = successResultOf(consumer).consumerTag;
      assert.equal(tag, "amq.ctag-1");
      bodies.forEach((body, i) => broker.deliver(1, tag, body, { deliveryTag: BigInt(i + 1), routingKey: "q", properties: { messageId: `m${i}` } }));
      assert.deepEqual(got.map((m) => m.body.toString("hex")), expected, JSON.stringify(options));
      assert.deepEqual(got.map((m) => m.deliveryTag), [1n, 2n, 3n]);
      assert.equal(got[2]?.properties.messageId, "m2");
    }
  });

  it("holds deliveries while a consumer is paused and hands them over on resume; the iterator reads them too", async () => {
    const { broker, connection } = setUp();
    const channel = openChannel(broker, connection);
    const got: string[] = [];
    const d = channel.basicConsume("q", { onMessage: (m) => got.push(m.body.toString()) });
    broker.flush();
    const consumer = successResultOf(d);
    consumer.pauseProducing();
    broker.deliver(1, consumer.consumerTag, "a");
    broker.deliver(1, consumer.consumerTag, "b");
    assert.deepEqual(got, []);
    assert.equal(consumer.heldCount, 2);
    consumer.resumeProducing();
    assert.deepEqual(got, ["a", "b"]);

    const iterated = channel.basicConsume("q2");
    broker.flush();
    const it2 = successResultOf(iterated);
    broker.deliver(1, it2.consumerTag, "x");
    broker.deliver(1, it2.consumerTag, "y");
    const seen: string[] = [];
    const reading = (async () => {
      for await (const m of it2) seen.push(m.body.toString());
    })();
    await new Promise((r) => setImmediate(r));
    broker.sendMethod(1, "basic.cancel", { consumerTag: it2.consumerTag, noWait: true });
    await reading;
    assert.deepEqual(seen, ["x", "y"]);
    assert.ok(it2.cancelledByBroker);
  });

  it("numbers publishes in confirm mode and settles them by ack, multiple ack, nack and return-before-ack", () => {
    const { broker, connection } = setUp({ autoConfirm: false });
    const channel = openChannel(broker, connection);
    const select = channel.confirmSelect();
    broker.flush();
    successResultOf(select);
    const ds = [1, 2, 3, 4, 5].map((i) => channel.basicPublish("", "q", `m${i}`, {}, { mandatory: i === 5 }));
    broker.flush();
    assert.equal(broker.methods("basic.publish").length, 5);
    broker.sendMethod(1, "basic.ack", { deliveryTag: 2n, multiple: true });
    successResultOf(ds[0] as never);
    successResultOf(ds[1] as never);
    assertNoResult(ds[2] as never);
    broker.sendMethod(1, "basic.nack", { deliveryTag: 3n, multiple: false, requeue: false });
    assert.ok(failureResultOf(ds[2] as never, PublishNacked).value instanceof PublishNacked);
    broker.sendMethod(1, "basic.ack", { deliveryTag: 4n, multiple: false });
    successResultOf(ds[3] as never);
    const returned: string[] = [];
    channel.onReturn = (m) => returned.push(m.body.toString());
    broker.sendMethod(1, "basic.return", { replyCode: 312, replyText: "NO_ROUTE", exchange: "", routingKey: "q" });
    broker.sendContent(1, Buffer.from("m5"));
    broker.sendMethod(1, "basic.ack", { deliveryTag: 5n, multiple: false });
    const error = failureResultOf(ds[4] as never, MessageReturned).value as MessageReturned;
    assert.equal(error.replyCode, 312);
    assert.deepEqual(returned, ["m5"]);
    assert.equal(channel.unconfirmedCount, 0);
  });

  it("sends heartbeats when idle and aborts after two silent intervals, on the injected clock", () => {
    const { clock, broker, connection } = setUp({ tune: { channelMax: 0, frameMax: 131072, heartbeat: 5 } }, { heartbeat: 5 });
    broker.transport.clear();
    clock.advance(5);
    assert.equal(broker.transport.value().length, 0, "the handshake was sent during the first interval");
    clock.advance(5);
    assert.deepEqual([...broker.transport.value()], [8, 0, 0, 0, 0, 0, 0, 0xce]);
    broker.sendRaw(Buffer.from([8, 0, 0, 0, 0, 0, 0, 0xce]));
    clock.advance(5);
    assert.ok(!broker.transport.disconnecting);
    clock.advance(5);
    assert.ok(!broker.transport.disconnecting, "one silent interval is tolerated");
    clock.advance(5);
    assert.ok(broker.transport.disconnected || broker.transport.closed);
    assert.ok(successResultOf(connection.whenClosed()) instanceof HeartbeatTimeout);
  });

  it("pauses registered publishers on connection.blocked and resumes them on unblocked", () => {
    const { broker, connection } = setUp();
    const events: string[] = [];
    connection.registerPublisher({ pauseProducing: () => events.push("pause"), resumeProducing: () => events.push("resume"), stopProducing: () => events.push("stop") });
    broker.sendMethod(0, "connection.blocked", { reason: "low on memory" });
    assert.ok(connection.blocked);
    assert.equal(connection.blockedReason, "low on memory");
    const waiting = connection.whenUnblocked();
    assertNoResult(waiting);
    broker.sendMethod(0, "connection.unblocked", {});
    successResultOf(waiting);
    assert.deepEqual(events, ["pause", "resume"]);
  });

  it("closes gracefully: channels, then the connection, then the socket", () => {
    const { broker, connection } = setUp();
    openChannel(broker, connection);
    const closed = connection.close();
    broker.flush();
    const names = broker.received.slice(-2).map((m) => m.method.name);
    assert.deepEqual(names, ["channel.close", "connection.close"]);
    successResultOf(closed);
    assert.equal(successResultOf(connection.whenClosed()), null);
  });

  it("aborts the socket when close's handshake times out", () => {
    const { clock, broker, connection } = setUp({ autoReply: false });
    broker.sendMethod(0, "connection.start", { versionMajor: 0, versionMinor: 9, serverProperties: {}, mechanisms: "PLAIN", locales: "" });
    broker.flush();
    broker.sendMethod(0, "connection.tune", { channelMax: 0, frameMax: 131072, heartbeat: 0 });
    broker.sendMethod(0, "connection.open-ok", {});
    const d = connection.close(2);
    assertNoResult(d);
    clock.advance(2);
    assert.ok(broker.transport.disconnected);
  });
});

describe("a scripted broker transcript in arbitrary chunkings", () => {
  /** Two consumers on two channels, their frames interleaved, with heartbeats between. */
  function transcript(w: Writer, tags: readonly [string, string]): Buffer {
    const frames: Buffer[][] = [[], []];
    for (let i = 0; i < 6; i += 1) {
      for (const ch of [0, 1] as const) {
        writeMethod(w, ch + 1, "basic.deliver", { consumerTag: tags[ch], deliveryTag: BigInt(i + 1), redelivered: i % 2 === 1, exchange: "ex", routingKey: `rk.${ch}.${i}` });
        frames[ch]?.push(w.take());
        writeContent(w, ch + 1, 60, { headers: { i, ch }, correlationId: `c${i}` }, Buffer.alloc(i * 3000, 65 + i), 4096);
        frames[ch]?.push(w.take());
      }
    }
    const out: Buffer[] = [];
    for (let i = 0; i < 12; i += 1) out.push(frames[0]?.[i] as Buffer, HEARTBEAT_FRAME, frames[1]?.[i] as Buffer);
    return Buffer.concat(out);
  }

  it("gives the same deliveries for 40 seeded random chunkings and sizes 1 to 9", () => {
    let reference: string | null = null;
    const runs: FakeBrokerOptions[] = [...Array.from({ length: 40 }, (_, i) => ({ seed: i + 1, maxChunk: 1 + ((i * 37) % 700) })), ...Array.from({ length: 9 }, (_, i) => ({ chunkSize: i + 1 }))];
    for (const options of runs) {
      const { broker, connection } = setUp({ ...options, tune: { channelMax: 0, frameMax: 4096, heartbeat: 0 } });
      const got: string[] = [];
      const tags: string[] = [];
      for (let n = 0; n < 2; n += 1) {
        const channel = openChannel(broker, connection);
        const d = channel.basicConsume("q", { onMessage: (m) => got.push(`${channel.id}|${m.routingKey}|${m.redelivered}|${m.deliveryTag}|${m.properties.correlationId ?? ""}|${JSON.stringify(m.properties.headers)}|${m.body.length}|${m.body.toString("latin1", 0, 1)}`) });
        broker.flush();
        tags.push(successResultOf(d).consumerTag);
      }
      broker.sendRaw(transcript(new Writer(), tags as unknown as [string, string]));
      assert.equal(got.length, 12, JSON.stringify(options));
      const text = got.join("\n");
      reference ??= text;
      assert.equal(text, reference, JSON.stringify(options));
      assert.ok(connection.isOpen);
    }
  });
});

describe("a channel closing", () => {
  it("discards everything but close-ok after sending close, even content in flight", () => {
    const { broker, connection } = setUp({ autoReply: true });
    const channel = openChannel(broker, connection);
    const got: string[] = [];
    const d = channel.basicConsume("q", { onMessage: (m) => got.push(m.body.toString()) });
    broker.flush();
    const tag = successResultOf(d).consumerTag;
    broker.transport.clear();
    broker.sendMethod(1, "basic.deliver", { consumerTag: tag, deliveryTag: 1n, redelivered: false, exchange: "", routingKey: "q" });
    const closed = channel.close();
    broker.sendContent(1, Buffer.from("in flight"));
    broker.deliver(1, tag, "after close");
    assert.ok(connection.isOpen, "no protocol error");
    broker.flush();
    successResultOf(closed);
    assert.deepEqual(got, []);
    assert.ok(!channel.isOpen);
  });
});

describe("delivered bodies", () => {
  it("do not keep a large read buffer alive: a small body read inside one is copied out", () => {
    const { broker, connection } = setUp();
    const channel = openChannel(broker, connection);
    const got: AmqpMessage[] = [];
    const d = channel.basicConsume("q", { onMessage: (m) => got.push(m) });
    broker.flush();
    const tag = successResultOf(d).consumerTag;
    const w = new Writer();
    writeMethod(w, 1, "basic.deliver", { consumerTag: tag, deliveryTag: 1n, redelivered: false, exchange: "", routingKey: "q" });
    writeContent(w, 1, 60, {}, Buffer.from("small"), 131072);
    const frames = w.take();
    const big = Buffer.alloc(65536);
    frames.copy(big);
    connection.dataReceived(big.subarray(0, frames.length));
    assert.equal(got[0]?.body.toString(), "small");
    assert.ok(got[0].body.buffer.byteLength < 65536);
  });
});

describe("the handshake", () => {
  it("is aborted with HandshakeTimeout when the broker never answers", () => {
    const clock = new Clock();
    const connection = new AmqpConnection({ clock, handshakeTimeout: 5 });
    const broker = new FakeBroker(connection, { autoReply: false }).start();
    const ready = connection.whenReady();
    clock.advance(4.9);
    assertNoResult(ready);
    clock.advance(0.1);
    assert.ok(broker.transport.disconnected || broker.transport.closed);
    failureResultOf(ready, HandshakeTimeout);
  });

  it("leaves no timer behind once open", () => {
    const { clock } = setUp();
    assert.equal(clock.getDelayedCalls().length, 0);
  });
});

describe("connection.update-secret", () => {
  it("sends the new secret and fires on update-secret-ok", () => {
    const { broker, connection } = setUp();
    const d = connection.updateSecret("new-token", "refresh");
    broker.flush();
    successResultOf(d);
    assert.deepEqual(broker.methods("connection.update-secret")[0]?.method.args, { newSecret: "new-token", reason: "refresh" });
  });
});
