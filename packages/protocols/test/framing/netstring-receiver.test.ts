import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { StringTransport } from "@torsion/testing";
import { NetstringParseReason, NetstringReceiver } from "@torsion/protocols";
import { assertSameAtEveryChunkSize } from "./sweep.js";

class Recording extends NetstringReceiver {
  readonly seen: string[] = [];
  override stringReceived(data: Buffer): void {
    this.seen.push(data.toString("latin1"));
  }
}

function connect(protocol: Recording): { protocol: Recording; transport: StringTransport } {
  const transport = new StringTransport();
  protocol.makeConnection(transport);
  return { protocol, transport };
}

describe("NetstringReceiver", () => {
  it("delivers netstrings and sendString writes one", () => {
    const { protocol, transport } = connect(new Recording());
    protocol.dataReceived(Buffer.from("5:hello,0:,"));
    assert.deepEqual(protocol.seen, ["hello", ""]);
    protocol.sendString(Buffer.from("abc"));
    assert.equal(transport.value().toString(), "3:abc,");
  });

  it("closes the connection and sets brokenPeer on malformed input, at every chunk size", () => {
    const result = assertSameAtEveryChunkSize(Buffer.from("2:ok,05:hello,1:x,"), (chunks) => {
      const { protocol, transport } = connect(new Recording());
      for (const chunk of chunks) protocol.dataReceived(chunk);
      return { seen: protocol.seen, broken: protocol.brokenPeer, closing: transport.disconnecting, reason: protocol.parseError?.reason };
    });
    assert.deepEqual(result, { seen: ["ok"], broken: true, closing: true, reason: NetstringParseReason.illegalLength });
  });

  it("calls loseConnection again for every chunk after the peer broke the framing", () => {
    const transport = new StringTransport();
    let closes = 0;
    transport.loseConnection = () => {
      closes += 1;
      transport.disconnecting = true;
    };
    const protocol = new Recording();
    protocol.makeConnection(transport);
    protocol.dataReceived(Buffer.from("x"));
    protocol.dataReceived(Buffer.from("1:a,"));
    protocol.dataReceived(Buffer.alloc(0));
    assert.equal(closes, 3);
    assert.deepEqual(protocol.seen, []);
  });

  it("refuses a declared length above MAX_LENGTH before the payload arrives", () => {
    class Small extends Recording {
      override MAX_LENGTH = 10;
    }
    const { protocol, transport } = connect(new Small());
    protocol.dataReceived(Buffer.from("11"));
    assert.equal(transport.disconnecting, true);
    assert.equal(protocol.parseError?.reason, NetstringParseReason.tooLong);
    assert.equal(protocol.bufferedLength, 0);
  });

  it("takes MAX_LENGTH from the constructor option", () => {
    const { protocol, transport } = connect(new Recording({ maxLength: 3 }));
    protocol.dataReceived(Buffer.from("3:abc,4:"));
    assert.deepEqual(protocol.seen, ["abc"]);
    assert.equal(transport.disconnecting, true);
  });

  it("stops delivering once the transport is disconnecting and appends re-entrant data", () => {
    class Handler extends Recording {
      override stringReceived(data: Buffer): void {
        super.stringReceived(data);
        if (data.toString() === "more") this.dataReceived(Buffer.from("4:late,"));
        if (data.toString() === "bye") this.transport?.loseConnection();
      }
    }
    const { protocol } = connect(new Handler());
    protocol.dataReceived(Buffer.from("4:more,3:bye,5:never,"));
    assert.deepEqual(protocol.seen, ["more", "bye"]);
  });
});
