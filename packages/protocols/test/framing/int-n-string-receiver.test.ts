import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { StringTransport } from "@torsion/testing";
import {
  Int16StringReceiver,
  Int32StringReceiver,
  Int8StringReceiver,
  StringTooLongError,
  type IntNStringReceiver,
} from "@torsion/protocols";
import { assertSameAtEveryChunkSize } from "./sweep.js";
import { ownBuffer } from "./own-buffer.js";

interface Recorded {
  readonly protocol: IntNStringReceiver;
  readonly transport: StringTransport;
  readonly seen: string[];
}

function connect(Class: new (options?: { maxLength?: number }) => IntNStringReceiver, maxLength?: number): Recorded {
  const seen: string[] = [];
  const protocol = new Class(maxLength === undefined ? {} : { maxLength });
  const defaultLimit = protocol.lengthLimitExceeded.bind(protocol);
  protocol.stringReceived = (data) => {
    seen.push(data.toString("latin1"));
  };
  protocol.lengthLimitExceeded = (length) => {
    seen.push(`exceeded:${length}`);
    defaultLimit(length);
  };
  const transport = new StringTransport();
  protocol.makeConnection(transport);
  return { protocol, transport, seen };
}

describe("Int8/Int16/Int32StringReceiver", () => {
  it("subclasses receive strings through stringReceived", () => {
    class Echo extends Int32StringReceiver {
      override stringReceived(data: Buffer): void {
        this.sendString(data);
      }
    }
    const protocol = new Echo();
    const transport = new StringTransport();
    protocol.makeConnection(transport);
    protocol.dataReceived(Buffer.from([0, 0, 0, 2, 104, 105]));
    assert.deepEqual([...transport.value()], [0, 0, 0, 2, 104, 105]);
  });

  it("sendString writes a big-endian prefix of the right size", () => {
    const cases: [new () => IntNStringReceiver, number[]][] = [
      [Int8StringReceiver, [2, 104, 105]],
      [Int16StringReceiver, [0, 2, 104, 105]],
      [Int32StringReceiver, [0, 0, 0, 2, 104, 105]],
    ];
    for (const [Class, bytes] of cases) {
      const { protocol, transport } = connect(Class);
      protocol.sendString(Buffer.from("hi"));
      assert.deepEqual([...transport.value()], bytes);
    }
  });

  it("sendString throws StringTooLongError and writes nothing when the length does not fit the prefix", () => {
    const int8 = connect(Int8StringReceiver);
    int8.protocol.sendString(Buffer.alloc(255));
    int8.transport.clear();
    assert.throws(() => int8.protocol.sendString(Buffer.alloc(256)), StringTooLongError);
    const int16 = connect(Int16StringReceiver);
    assert.throws(
      () => int16.protocol.sendString(Buffer.alloc(65536)),
      (error: unknown) => error instanceof StringTooLongError && error.maxLength === 65535,
    );
    assert.equal(int8.transport.value().length, 0);
    assert.equal(int16.transport.value().length, 0);
  });

  it("calls lengthLimitExceeded (closing by default) when a prefix exceeds MAX_LENGTH", () => {
    const { protocol, transport, seen } = connect(Int16StringReceiver, 4);
    protocol.dataReceived(Buffer.from([0, 4, 97, 98, 99, 100, 0, 5, 1, 2, 3, 4, 5]));
    assert.deepEqual(seen, ["abcd", "exceeded:5"]);
    assert.equal(transport.disconnecting, true);
  });

  it("gives the same strings at every chunk size", () => {
    const stream = Buffer.from([0, 0, 0, 3, 97, 98, 99, 0, 0, 0, 0, 0, 0, 0, 1, 122]);
    const result = assertSameAtEveryChunkSize(stream, (chunks) => {
      const { protocol, seen } = connect(Int32StringReceiver);
      for (const chunk of chunks) protocol.dataReceived(chunk);
      return seen;
    });
    assert.deepEqual(result, ["abc", "", "z"]);
  });

  it("holds complete frames while paused and delivers them on resume", () => {
    const { protocol, transport, seen } = connect(Int8StringReceiver);
    protocol.stringReceived = (data) => {
      seen.push(data.toString());
      if (data.toString() === "p") protocol.pauseProducing();
    };
    protocol.dataReceived(Buffer.from([1, 112, 1, 97, 1, 98]));
    assert.deepEqual(seen, ["p"]);
    assert.equal(transport.producerState, "paused");
    protocol.resumeProducing();
    assert.deepEqual(seen, ["p", "a", "b"]);
    protocol.stopProducing();
    protocol.dataReceived(Buffer.from([1, 99]));
    assert.deepEqual(seen, ["p", "a", "b"]);
  });

  it("stops delivering once the transport is disconnecting", () => {
    const { protocol, seen } = connect(Int8StringReceiver);
    protocol.stringReceived = (data) => {
      seen.push(data.toString());
      protocol.transport?.loseConnection();
    };
    protocol.dataReceived(Buffer.from([1, 97, 1, 98]));
    assert.deepEqual(seen, ["a"]);
  });

  it("delivers a payload lying inside one chunk without copying it", () => {
    const { protocol } = connect(Int32StringReceiver);
    const payloads: Buffer[] = [];
    protocol.stringReceived = (data) => {
      payloads.push(data);
    };
    const chunk = ownBuffer([0, 0, 0, 3, 1, 2, 3]);
    protocol.dataReceived(chunk);
    assert.equal(payloads[0]?.buffer, chunk.buffer);
    assert.equal(protocol.bufferedLength, 0);
  });
});
