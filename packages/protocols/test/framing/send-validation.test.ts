import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { NotBytesError, NotConnectedError } from "@torsion/core";
import {
  Int16StringReceiver,
  Int32StringReceiver,
  Int8StringReceiver,
  LineOnlyReceiver,
  LineReceiver,
  NetstringReceiver,
} from "@torsion/protocols";
import { StringTransport } from "@torsion/testing";

interface Sender {
  makeConnection(t: StringTransport): unknown;
  send(data: unknown): void;
  name: string;
}

const senders = (): Sender[] => {
  const wrap = <P extends { makeConnection(t: StringTransport): unknown }>(
    name: string,
    protocol: P,
    send: (p: P, data: unknown) => void,
  ): Sender => ({
    name,
    makeConnection: (t) => protocol.makeConnection(t),
    send: (data) => send(protocol, data),
  });
  return [
    wrap("sendLine", new LineReceiver(), (p, d) => p.sendLine(d as Uint8Array)),
    wrap("sendLine", new LineOnlyReceiver(), (p, d) => p.sendLine(d as Uint8Array)),
    wrap("sendString", new NetstringReceiver(), (p, d) => p.sendString(d as Uint8Array)),
    wrap("sendString", new Int8StringReceiver(), (p, d) => p.sendString(d as Uint8Array)),
    wrap("sendString", new Int16StringReceiver(), (p, d) => p.sendString(d as Uint8Array)),
    wrap("sendString", new Int32StringReceiver(), (p, d) => p.sendString(d as Uint8Array)),
  ];
};

describe("the send methods of the framing receivers", () => {
  it("refuse a string with NotBytesError naming the method, and write nothing", () => {
    for (const sender of senders()) {
      const transport = new StringTransport();
      sender.makeConnection(transport);
      assert.throws(
        () => sender.send("text"),
        (error: unknown) => {
          assert.ok(error instanceof NotBytesError, sender.name);
          assert.ok(error instanceof TypeError);
          assert.equal(error.code, "ERR_NOT_BYTES");
          assert.match(
            error.message,
            new RegExp(`^${sender.name}\\(\\) takes bytes \\(Uint8Array\\), not a string \\("text"\\); encode it`),
          );
          return true;
        },
      );
      assert.equal(transport.value().length, 0);
    }
  });

  it("describe other non-bytes values in the error", () => {
    const [line] = senders();
    line?.makeConnection(new StringTransport());
    for (const [value, description] of [
      [null, "null"],
      [undefined, "undefined"],
      [42, "a number"],
      [[1, 2], "an object (Array)"],
      [Object.create(null), "an object (Object)"],
    ] as const) {
      assert.throws(
        () => line?.send(value),
        (error: unknown) => error instanceof NotBytesError && error.message.endsWith(`not ${description}`),
      );
    }
  });

  it("throw NotConnectedError before makeConnection, instead of dropping the bytes", () => {
    for (const sender of senders()) {
      assert.throws(() => sender.send(Buffer.from("x")), NotConnectedError, sender.name);
    }
  });

  it("still send bytes, Buffer or plain Uint8Array", () => {
    const transport = new StringTransport();
    const protocol = new LineReceiver();
    protocol.makeConnection(transport);
    protocol.sendLine(Buffer.from("a"));
    protocol.sendLine(new Uint8Array([98]));
    assert.equal(transport.value().toString(), "a\r\nb\r\n");
  });
});
