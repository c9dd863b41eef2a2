import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import {
  METHOD_INFO,
  METHOD_IDS,
  ShortStringTooLong,
  Writer,
  decodeContentHeader,
  decodeMethod,
  writeContent,
  writeMethod,
  FrameDecoder,
  FrameType,
  type Frame,
} from "@torsion/amqp";

const XML = "/usr/share/amqp/specs/0-9-1-rabbit/amqp0-9-1.stripped.extended.xml";

function frames(bytes: Buffer): Frame[] {
  const d = new FrameDecoder({ frameMax: 1 << 20 });
  d.feed(bytes);
  const out: Frame[] = [];
  for (let f = d.next(); f !== undefined; f = d.next()) out.push(f);
  return out;
}

describe("the generated method tables", () => {
  it("hold the extended XML's 60 methods plus blocked, unblocked and update-secret(-ok)", () => {
    assert.equal(METHOD_INFO.size, 64);
    assert.equal(METHOD_IDS["connection.blocked"], 10 * 65536 + 60);
    assert.equal(METHOD_IDS["connection.unblocked"], 10 * 65536 + 61);
    assert.equal(METHOD_IDS["connection.update-secret"], 10 * 65536 + 70);
    assert.equal(METHOD_IDS["confirm.select"], 85 * 65536 + 10);
    assert.equal(METHOD_IDS["basic.nack"], 60 * 65536 + 120);
    assert.deepEqual(METHOD_INFO.get(METHOD_IDS["queue.declare"])?.responses, ["queue.declare-ok"]);
  });

  it("are what the checked-in generator makes from the XML", { skip: existsSync(XML) ? false : `${XML} is missing (amqp-specs)` }, () => {
    execFileSync(process.execPath, ["packages/amqp/scripts/generate-spec.mjs", "--check"], { cwd: new URL("../../../", import.meta.url).pathname, stdio: "pipe" });
  });
});

describe("the method codec", () => {
  it("packs consecutive bits into one octet, least significant first", () => {
    const w = new Writer();
    writeMethod(w, 3, "queue.declare", { queue: "q", passive: false, durable: true, exclusive: false, autoDelete: true, noWait: false, arguments: {} });
    const [frame] = frames(w.take());
    assert.equal(frame?.type, FrameType.method);
    assert.equal(frame.channel, 3);
    // class 50, method 10, reserved short 0, shortstr "q", bits durable(2) | auto-delete(8), empty table.
    assert.deepEqual([...frame.payload], [0, 50, 0, 10, 0, 0, 1, 0x71, 0b1010, 0, 0, 0, 0]);
  });

  it("writes basic.publish byte for byte", () => {
    const w = new Writer();
    writeMethod(w, 1, "basic.publish", { exchange: "ex", routingKey: "rk", mandatory: true, immediate: false });
    assert.deepEqual([...w.take()], [1, 0, 1, 0, 0, 0, 13, 0, 60, 0, 40, 0, 0, 2, 0x65, 0x78, 2, 0x72, 0x6b, 1, 0xce]);
  });

  it("round-trips every method with sample arguments", () => {
    const samples: Record<string, unknown> = { bit: true, octet: 7, short: 513, long: 70000, longlong: 2n ** 63n + 5n, shortstr: "héllo", longstr: "long\0str", timestamp: new Date(1_700_000_000_000), table: { a: 1, b: "x" } };
    for (const info of METHOD_INFO.values()) {
      const args: Record<string, unknown> = {};
      for (const [name, type, reserved] of info.fields) if (!reserved) args[name] = samples[type];
      const w = new Writer();
      writeMethod(w, 9, info.name, args as never);
      const [frame] = frames(w.take());
      const decoded = decodeMethod(frame?.payload ?? Buffer.alloc(0));
      assert.equal(decoded.name, info.name);
      assert.deepEqual(decoded.args, args, info.name);
    }
  });

  it("refuses a short string over 255 bytes locally and writes nothing", () => {
    const w = new Writer();
    assert.throws(() => writeMethod(w, 1, "queue.declare", { queue: "é".repeat(128), passive: false, durable: false, exclusive: false, autoDelete: false, noWait: false, arguments: {} }), ShortStringTooLong);
    assert.equal(w.take().length, 0);
    writeMethod(w, 1, "queue.delete", { queue: "x".repeat(255), ifUnused: false, ifEmpty: false, noWait: false });
    assert.ok(w.take().length > 255);
  });

  it("fails on a truncated method payload with a syntax error", () => {
    assert.throws(() => decodeMethod(Buffer.from([0, 50, 0, 10, 0, 0, 5, 0x61])), { name: "AmqpSyntaxError" });
    assert.throws(() => decodeMethod(Buffer.from([0, 99, 0, 1])), { name: "AmqpSyntaxError", replyCode: 540 });
  });
});

describe("the content codec", () => {
  it("writes all 14 properties and reads them back", () => {
    const properties = {
      contentType: "application/json",
      contentEncoding: "gzip",
      headers: { h: "v", n: 5n },
      deliveryMode: 2,
      priority: 9,
      correlationId: "c1",
      replyTo: "amq.rabbitmq.reply-to",
      expiration: "60000",
      messageId: "m1",
      timestamp: new Date(1_600_000_000_000),
      type: "t",
      userId: "guest",
      appId: "app",
      reserved: "",
    };
    const w = new Writer();
    writeContent(w, 2, 60, properties, Buffer.from("hi"), 4096);
    const [header, body] = frames(w.take());
    assert.equal(header?.type, FrameType.header);
    assert.equal(header.payload.readUInt16BE(4 + 8), 0xfffc, "bits 15..2: the 14 properties");
    const decoded = decodeContentHeader(header.payload);
    assert.equal(decoded.bodySize, 2);
    assert.deepEqual(decoded.properties, properties);
    assert.equal(body?.payload.toString(), "hi");
  });

  it("sets flag bits from bit 15 down for the properties present", () => {
    const w = new Writer();
    writeContent(w, 1, 60, { contentType: "a", deliveryMode: 2 }, Buffer.alloc(0), 4096);
    const all = frames(w.take());
    assert.equal(all.length, 1, "an empty body sends no body frame");
    assert.equal(all[0]?.payload.readUInt16BE(12), 0x8000 | 0x1000);
  });

  it("splits a body into frames of at most frame-max − 8 bytes", () => {
    const body = Buffer.alloc(10_000, 7);
    const w = new Writer();
    writeContent(w, 1, 60, {}, body, 4096);
    const parts = frames(w.take()).slice(1);
    assert.deepEqual(parts.map((p) => p.payload.length), [4088, 4088, 1824]);
    assert.deepEqual(Buffer.concat(parts.map((p) => p.payload)), body);
  });

  it("reads a second flags word when bit 0 is set", () => {
    const w = new Writer();
    w.short(60);
    w.short(0);
    w.longlongNumber(0);
    w.short(0x8001);
    w.short(0);
    w.shortstr("text/plain");
    const decoded = decodeContentHeader(w.take());
    assert.deepEqual(decoded.properties, { contentType: "text/plain" });
  });
});
