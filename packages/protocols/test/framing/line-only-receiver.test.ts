import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { StringTransport } from "@torsion/testing";
import { LineOnlyReceiver } from "@torsion/protocols";
import { chunksOf } from "./sweep.js";
import { unb64 } from "./oracle-harness.js";
import { twistedLineOnlyReceiver } from "./twisted-line-model.js";

class Recording extends LineOnlyReceiver {
  readonly seen: string[] = [];
  override lineReceived(line: Buffer): void {
    this.seen.push(`line:${line.toString("latin1")}`);
  }
  override lineLengthExceeded(line: Buffer): void {
    this.seen.push(`exceeded:${line.toString("latin1")}`);
    super.lineLengthExceeded(line);
  }
}

function connect(protocol: Recording): { protocol: Recording; transport: StringTransport } {
  const transport = new StringTransport();
  protocol.makeConnection(transport);
  return { protocol, transport };
}

describe("LineOnlyReceiver", () => {
  it("delivers lines split at the delimiter, without it", () => {
    const { protocol } = connect(new Recording());
    protocol.dataReceived(Buffer.from("a\r\nb\r"));
    protocol.dataReceived(Buffer.from("\n\r\n"));
    assert.deepEqual(protocol.seen, ["line:a", "line:b", "line:"]);
  });

  it("honours delimiter and MAX_LENGTH from subclass fields", () => {
    class Short extends Recording {
      override delimiter = Buffer.from("\n");
      override MAX_LENGTH = 2;
    }
    const { protocol, transport } = connect(new Short());
    protocol.dataReceived(Buffer.from("ab\nabc\n"));
    assert.deepEqual(protocol.seen, ["line:ab", "exceeded:abc"]);
    assert.equal(transport.disconnecting, true);
  });

  it("accepts a MAX_LENGTH-byte line even when a chunk ends inside its delimiter", () => {
    const { protocol, transport } = connect(new Recording({ maxLength: 4 }));
    protocol.dataReceived(Buffer.from("abcd\r"));
    protocol.dataReceived(Buffer.from("\nefgh\r\n"));
    assert.deepEqual(protocol.seen, ["line:abcd", "line:efgh"]);
    assert.equal(transport.disconnecting, false);
  });

  it("reports a too-long line with Twisted's argument at every chunk size, after the same lines, and closes", () => {
    const stream = Buffer.from("one\r\ntoo-long-line\r\nnever\r\n");
    const args = new Map<number, string>();
    for (let size = 1; size <= stream.length; size += 1) {
      const chunks = chunksOf(stream, size);
      const { protocol, transport } = connect(new Recording({ maxLength: 5 }));
      for (const chunk of chunks) protocol.dataReceived(chunk);
      const model = twistedLineOnlyReceiver({ delimiter: Buffer.from("\r\n"), maxLength: 5 }, chunks, true);
      const expected = model.events
        .filter((e) => e[0] !== "loseConnection")
        .map((e) => `${e[0] === "line" ? "line" : "exceeded"}:${unb64(String(e[1])).toString("latin1")}`);
      assert.deepEqual(protocol.seen, expected, `chunk size ${size}`);
      assert.deepEqual(
        protocol.seen.map((item) => item.replace(/^exceeded:.*/s, "exceeded")),
        ["line:one", "exceeded"],
        `chunk size ${size}`,
      );
      assert.equal(transport.disconnecting, true);
      args.set(size, protocol.seen[1] ?? "");
    }
    assert.equal(args.get(stream.length), "exceeded:too-long-line", "a complete line: the whole line");
    assert.equal(args.get(1), "exceeded:too-lo", "one byte at a time: MAX_LENGTH + 1 bytes");
    assert.equal(args.get(8), "exceeded:too-long-li", "an unfinished line: all of it received so far (two chunks of 8)");
  });

  it("reports a line whose chunk ends inside a false delimiter when the next byte shows it is too long", () => {
    const { protocol, transport } = connect(new Recording({ maxLength: 4 }));
    protocol.dataReceived(Buffer.from("ok\r\nabcd\r"));
    assert.deepEqual(protocol.seen, ["line:ok"]);
    protocol.dataReceived(Buffer.from("\r"));
    assert.deepEqual(protocol.seen, ["line:ok", "exceeded:abcd\r\r"]);
    assert.equal(transport.disconnecting, true);
  });

  it("goes on with the next line after a too-long one when the handler does not close", () => {
    class Tolerant extends Recording {
      override lineLengthExceeded(line: Buffer): void {
        this.seen.push(`exceeded:${line.toString("latin1")}`);
      }
    }
    const stream = Buffer.from("abcdefgh\r\nok\r\n");
    const run = (chunks: readonly Buffer[]): string[] => {
      const protocol = new Tolerant({ maxLength: 3 });
      protocol.makeConnection(new StringTransport());
      for (const chunk of chunks) protocol.dataReceived(chunk);
      return protocol.seen;
    };
    assert.deepEqual(run([stream]), ["exceeded:abcdefgh", "line:ok"], "a complete line: reported whole");
    assert.deepEqual(run(chunksOf(stream, 1)), ["exceeded:abcd", "line:ok"], "an unfinished line: reported once, the rest skipped");
    assert.deepEqual(run(chunksOf(stream, 6)), ["exceeded:abcdef", "line:ok"]);
    assert.deepEqual(run([Buffer.from("abcdefgh\r\nx\r\nabcdefgh\r\nok\r\n")]), [
      "exceeded:abcdefgh",
      "line:x",
      "exceeded:abcdefgh",
      "line:ok",
    ]);
  });

  it("stops delivering once the transport is disconnecting", () => {
    class Quitter extends Recording {
      override lineReceived(line: Buffer): void {
        super.lineReceived(line);
        this.transport?.loseConnection();
      }
    }
    const { protocol } = connect(new Quitter());
    protocol.dataReceived(Buffer.from("a\r\nb\r\n"));
    assert.deepEqual(protocol.seen, ["line:a"]);
  });

  it("sendLine writes the line and the delimiter as one writeSequence", () => {
    const transport = new StringTransport();
    let sequences = 0;
    const original = transport.writeSequence.bind(transport);
    transport.writeSequence = (data) => {
      sequences += 1;
      original(data);
    };
    const protocol = new Recording({ delimiter: "\n" });
    protocol.makeConnection(transport);
    protocol.sendLine(Buffer.from("hi"));
    assert.equal(transport.value().toString(), "hi\n");
    assert.equal(sequences, 1);
  });

  it("dataReceived from a handler appends and is parsed after the handler, in order", () => {
    class Injector extends Recording {
      override lineReceived(line: Buffer): void {
        super.lineReceived(line);
        if (line.toString() === "a") this.dataReceived(Buffer.from("c\r\n"));
      }
    }
    const { protocol } = connect(new Injector());
    protocol.dataReceived(Buffer.from("a\r\nb\r\n"));
    assert.deepEqual(protocol.seen, ["line:a", "line:b", "line:c"]);
    assert.equal(protocol.bufferedLength, 0);
  });
});
