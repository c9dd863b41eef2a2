import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AmqpFrameError, FrameDecoder, HEARTBEAT_FRAME, Writer, writeContent, writeMethod, type Frame } from "@torsion/amqp";

function transcript(): Buffer {
  const w = new Writer();
  writeMethod(w, 0, "connection.tune", { channelMax: 10, frameMax: 4096, heartbeat: 5 });
  w.bytes(HEARTBEAT_FRAME);
  writeMethod(w, 1, "basic.deliver", { consumerTag: "t", deliveryTag: 1n, redelivered: false, exchange: "", routingKey: "q" });
  writeContent(w, 1, 60, { contentType: "x" }, Buffer.alloc(9000, 3), 4096);
  writeMethod(w, 2, "channel.open-ok", {});
  return w.take();
}

function decodeAll(bytes: Buffer, chunk: number, frameMax = 4096): [number, number, string][] {
  const d = new FrameDecoder({ frameMax });
  const out: [number, number, string][] = [];
  const take = (f: Frame): void => void out.push([f.type, f.channel, f.payload.toString("hex")]);
  for (let at = 0; at < bytes.length; at += chunk) {
    d.feed(Buffer.from(bytes.subarray(at, at + chunk)));
    for (let f = d.next(); f !== undefined; f = d.next()) take(f);
  }
  assert.equal(d.bufferedLength, 0);
  return out;
}

describe("FrameDecoder", () => {
  it("gives the same frames at every chunk size", () => {
    const bytes = transcript();
    const whole = decodeAll(bytes, bytes.length);
    assert.deepEqual(whole.map(([type, channel]) => [type, channel]), [[1, 0], [8, 0], [1, 1], [2, 1], [3, 1], [3, 1], [3, 1], [1, 2]]);
    for (const size of [1, 2, 3, 5, 7, 8, 9, 13, 64, 100, 4095, 4096, 4097, 8191]) assert.deepEqual(decodeAll(bytes, size), whole, `chunk ${size}`);
  });

  it("rejects a bad frame-end octet", () => {
    const bytes = Buffer.from(HEARTBEAT_FRAME);
    bytes[7] = 0;
    const d = new FrameDecoder();
    d.feed(bytes);
    assert.throws(() => d.next(), AmqpFrameError);
    assert.equal(d.next(), undefined, "broken for good");
  });

  it("rejects a frame over frame-max before buffering it", () => {
    const d = new FrameDecoder({ frameMax: 4096 });
    d.feed(Buffer.from([3, 0, 1, 0, 0, 0x10, 0]));
    assert.throws(() => d.next(), /exceeds frame-max/);
  });

  it("rejects an unknown frame type and a protocol header from the broker", () => {
    const d = new FrameDecoder();
    d.feed(Buffer.from([1, 0, 0, 0, 0, 0, 0, 0xce, 9, 0, 0, 0, 0, 0, 0, 0xce]));
    assert.ok(d.next());
    assert.throws(() => d.next(), /unknown frame type 9/);
    const h = new FrameDecoder();
    h.feed(Buffer.from("AMQP\x00\x00\x09\x01"));
    assert.throws(() => h.next(), /protocol header/);
  });

  it("returns a frame held whole in one chunk as a view of it", () => {
    const bytes = transcript();
    const d = new FrameDecoder();
    d.feed(bytes);
    const f = d.next();
    assert.equal(f?.payload.buffer, bytes.buffer);
  });
});
