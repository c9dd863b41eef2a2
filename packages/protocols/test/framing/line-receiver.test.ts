import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { StringTransport } from "@torsion/testing";
import { ProtocolLifecycleError } from "@torsion/core";
import { InvalidFramingOptionError, LineOnlyReceiver, LineReceiver, NetstringReceiver, Int32StringReceiver } from "@torsion/protocols";
import { assertSameAtEveryChunkSize, chunksOf } from "./sweep.js";
import { b64, Recorder, unb64, type OracleEvent } from "./oracle-harness.js";
import { twistedLineReceiver, withoutExceededArguments } from "./twisted-line-model.js";

class Recording extends LineReceiver {
  readonly seen: string[] = [];
  override lineReceived(line: Buffer): void {
    this.seen.push(`line:${line.toString("latin1")}`);
  }
  override rawDataReceived(data: Buffer): void {
    this.seen.push(`raw:${data.toString("latin1")}`);
  }
  override lineLengthExceeded(line: Buffer): void {
    this.seen.push(`exceeded:${line.toString("latin1")}`);
    super.lineLengthExceeded(line);
  }
}

function connect<P extends LineReceiver>(protocol: P): { protocol: P; transport: StringTransport } {
  const transport = new StringTransport();
  protocol.makeConnection(transport);
  return { protocol, transport };
}

/** Switches to raw mode on "RAW <n>" and back to line mode after n raw bytes. */
class Switching extends Recording {
  remaining = 0;
  override lineReceived(line: Buffer): void {
    super.lineReceived(line);
    const match = /^RAW (\d+)$/.exec(line.toString("latin1"));
    if (match !== null) {
      this.remaining = Number(match[1]);
      this.setRawMode();
    }
  }
  override rawDataReceived(data: Buffer): void {
    const used = Math.min(this.remaining, data.length);
    this.seen.push(`raw:${data.subarray(0, used).toString("latin1")}`);
    this.remaining -= used;
    if (this.remaining === 0) this.setLineMode(data.subarray(used));
  }
}

describe("LineReceiver", () => {
  it("delivers CRLF-terminated lines to lineReceived by default", () => {
    const { protocol } = connect(new Recording());
    protocol.dataReceived(Buffer.from("hello\r\nwor"));
    protocol.dataReceived(Buffer.from("ld\r\n"));
    assert.deepEqual(protocol.seen, ["line:hello", "line:world"]);
  });

  it("takes delimiter and MAX_LENGTH from a subclass's field overrides", () => {
    class Chat extends Recording {
      override delimiter = Buffer.from("\n");
      override MAX_LENGTH = 3;
    }
    const { protocol, transport } = connect(new Chat());
    protocol.dataReceived(Buffer.from("hi\nhello\n"));
    assert.deepEqual(protocol.seen, ["line:hi", "exceeded:hello\n"]);
    assert.equal(transport.disconnecting, true);
  });

  it("takes delimiter and MAX_LENGTH from the constructor options", () => {
    const { protocol } = connect(new Recording({ delimiter: "||", maxLength: 2 }));
    protocol.dataReceived(Buffer.from("ab||abc||"));
    assert.deepEqual(protocol.seen, ["line:ab", "exceeded:abc||"]);
  });

  it("applies a MAX_LENGTH changed mid-stream to the bytes that follow, keeping buffered ones", () => {
    const { protocol } = connect(new Recording());
    protocol.dataReceived(Buffer.from("abc"));
    protocol.MAX_LENGTH = 4;
    protocol.dataReceived(Buffer.from("d\r\nabcdefg"));
    assert.deepEqual(protocol.seen, ["line:abcd", "exceeded:abcdefg"]);
  });

  it("sendLine writes the line and the delimiter in one write", () => {
    const { protocol, transport } = connect(new Recording({ delimiter: "\n" }));
    protocol.sendLine(Buffer.from("ping"));
    assert.equal(transport.value().toString(), "ping\n");
  });

  it("lineLengthExceeded closes the connection by default and nothing more is delivered", () => {
    const { protocol, transport } = connect(new Recording({ maxLength: 4 }));
    protocol.dataReceived(Buffer.from("ok\r\ntoolong\r\nlater\r\n"));
    assert.deepEqual(protocol.seen, ["line:ok", "exceeded:toolong\r\nlater\r\n"]);
    assert.equal(transport.disconnecting, true);
    protocol.dataReceived(Buffer.from("more\r\n"));
    assert.equal(protocol.seen.length, 2);
  });

  it("empties its buffer on a too-long line, as Twisted does, when the handler keeps the connection open", () => {
    class Tolerant extends Recording {
      override lineLengthExceeded(line: Buffer): void {
        this.seen.push(`exceeded:${line.toString("latin1")}`);
      }
    }
    const { protocol, transport } = connect(new Tolerant({ maxLength: 4 }));
    protocol.dataReceived(Buffer.from("toolong-line\r\nfine\r\n"));
    assert.deepEqual(protocol.seen, ["exceeded:toolong-line\r\nfine\r\n"], "the later line was part of the argument");
    assert.equal(protocol.bufferedLength, 0);
    protocol.dataReceived(Buffer.from("abcde"));
    assert.deepEqual(protocol.seen.slice(1), [], "5 bytes are fewer than MAX_LENGTH + 2");
    protocol.dataReceived(Buffer.from("f"));
    protocol.dataReceived(Buffer.from("ok\r\n"));
    assert.deepEqual(protocol.seen.slice(1), ["exceeded:abcdef", "line:ok"], "parsing starts afresh after each report");
    assert.equal(transport.disconnecting, false);
  });

  it("parses bytes that a lineLengthExceeded handler feeds back right after it returns", () => {
    class Replacing extends Recording {
      override lineLengthExceeded(line: Buffer): void {
        this.seen.push(`exceeded:${line.toString("latin1")}`);
        this.dataReceived(Buffer.from("replacement\r\n"));
      }
    }
    const { protocol, transport } = connect(new Replacing({ maxLength: 12 }));
    protocol.dataReceived(Buffer.from("much-too-long-line\r\n"));
    assert.deepEqual(protocol.seen, ["exceeded:much-too-long-line\r\n", "line:replacement"]);
    assert.equal(transport.disconnecting, false);
  });

  it("stops delivering lines once the transport is disconnecting", () => {
    class Quitter extends Recording {
      override lineReceived(line: Buffer): void {
        super.lineReceived(line);
        if (line.toString() === "quit") this.transport?.loseConnection();
      }
    }
    const { protocol } = connect(new Quitter());
    protocol.dataReceived(Buffer.from("a\r\nquit\r\nb\r\nc\r\n"));
    assert.deepEqual(protocol.seen, ["line:a", "line:quit"]);
  });

  it("raw mode gets everything buffered, then each chunk; setLineMode(extra) re-parses extra as lines", () => {
    const { protocol } = connect(new Switching());
    protocol.dataReceived(Buffer.from("a\r\nRAW 5\r\n12"));
    protocol.dataReceived(Buffer.from("345b\r\nc\r\n"));
    assert.deepEqual(protocol.seen, ["line:a", "line:RAW 5", "raw:12", "raw:345", "line:b", "line:c"]);
    assert.equal(protocol.lineMode, true);
  });

  it("gives the same lines and raw bytes at every chunk size", () => {
    const stream = Buffer.from("first\r\nRAW 7\r\nraw\r\nbyline\r\nRAW 0\r\n\r\nlast\r\nRAW 3\r\nxyz");
    const result = assertSameAtEveryChunkSize(stream, (chunks) => {
      const { protocol } = connect(new Switching());
      for (const chunk of chunks) protocol.dataReceived(chunk);
      return protocol.seen.reduce<string[]>((out, item) => {
        const last = out[out.length - 1];
        if (item.startsWith("raw:") && last?.startsWith("raw:") === true) out[out.length - 1] = last + item.slice(4);
        else out.push(item);
        return out;
      }, []);
    });
    assert.deepEqual(result, [
      "line:first",
      "line:RAW 7",
      "raw:raw\r\nby",
      "line:line",
      "line:RAW 0",
      "raw:",
      "line:",
      "line:last",
      "line:RAW 3",
      "raw:xyz",
    ]);
  });

  it("over-long lines: Twisted's argument at every chunk size, and the same lines and report", () => {
    const stream = Buffer.from("ok\r\n0123456789\r\nnext\r\n12345678\r\n");
    const runs = new Map<number, OracleEvent[]>();
    for (let size = 1; size <= stream.length; size += 1) {
      const chunks = chunksOf(stream, size);
      const recorder = new Recorder();
      const protocol = new Recording({ maxLength: 8 });
      protocol.lineReceived = (line) => recorder.record(["line", b64(line)]);
      protocol.lineLengthExceeded = (line) => {
        recorder.record(["lineLengthExceeded", b64(line)]);
        protocol.transport?.loseConnection();
      };
      protocol.makeConnection(new StringTransport());
      for (const chunk of chunks) protocol.dataReceived(chunk);
      const model = twistedLineReceiver({ delimiter: Buffer.from("\r\n"), maxLength: 8 }, chunks);
      assert.deepEqual(recorder.events, model.events.slice(0, -1), `chunk size ${size}`);
      runs.set(size, recorder.events);
    }
    const arg = (size: number): string => unb64(String(runs.get(size)?.[1]?.[1])).toString("latin1");
    assert.equal(arg(stream.length), "0123456789\r\nnext\r\n12345678\r\n", "one chunk: the line and everything after it");
    assert.equal(arg(1), "0123456789", "one byte at a time: MAX_LENGTH + 2 bytes");
    assert.equal(arg(12), "0123456789\r\nnext\r\n12", "chunks of 12: the carried line start and the whole second chunk");
    for (const events of runs.values())
      assert.deepEqual(withoutExceededArguments(events), [["line", b64(Buffer.from("ok"))], ["lineLengthExceeded"]]);
  });

  it("dataReceived from inside lineReceived only appends; lines stay in order and are never nested", () => {
    class Injector extends Recording {
      depth = 0;
      maxDepth = 0;
      override lineReceived(line: Buffer): void {
        this.depth += 1;
        this.maxDepth = Math.max(this.maxDepth, this.depth);
        super.lineReceived(line);
        if (line.toString() === "inject") this.dataReceived(Buffer.from("injected\r\n"));
        this.depth -= 1;
      }
    }
    const { protocol } = connect(new Injector());
    protocol.dataReceived(Buffer.from("inject\r\nafter\r\n"));
    assert.deepEqual(protocol.seen, ["line:inject", "line:after", "line:injected"]);
    assert.equal(protocol.maxDepth, 1);
  });

  it("while paused keeps complete lines buffered and delivers them on resume", () => {
    class Pausing extends Recording {
      override lineReceived(line: Buffer): void {
        super.lineReceived(line);
        if (line.toString() === "pause") this.pauseProducing();
      }
    }
    const { protocol, transport } = connect(new Pausing());
    protocol.dataReceived(Buffer.from("pause\r\none\r\ntwo\r\n"));
    assert.deepEqual(protocol.seen, ["line:pause"]);
    assert.equal(transport.producerState, "paused");
    protocol.dataReceived(Buffer.from("three\r\n"));
    assert.equal(protocol.seen.length, 1);
    assert.ok(protocol.bufferedLength > 0);
    protocol.resumeProducing();
    assert.deepEqual(protocol.seen, ["line:pause", "line:one", "line:two", "line:three"]);
    assert.equal(transport.producerState, "producing");
  });

  it("stopProducing stops delivery and the transport for good", () => {
    const { protocol, transport } = connect(new Recording());
    protocol.stopProducing();
    protocol.dataReceived(Buffer.from("x\r\n"));
    assert.deepEqual(protocol.seen, []);
    assert.equal(transport.producerState, "stopped");
  });

  it("clearLineBuffer returns the unparsed bytes and drops them", () => {
    class Clearer extends Recording {
      cleared = "";
      override lineReceived(line: Buffer): void {
        super.lineReceived(line);
        this.cleared = this.clearLineBuffer().toString();
      }
    }
    const { protocol } = connect(new Clearer());
    protocol.dataReceived(Buffer.from("a\r\nb\r\npartial"));
    assert.deepEqual(protocol.seen, ["line:a"]);
    assert.equal(protocol.cleared, "b\r\npartial");
    assert.equal(new Recording().clearLineBuffer().length, 0);
  });

  it("keeps the Protocol lifecycle guard: a second makeConnection throws", () => {
    const protocol = new Recording();
    protocol.makeConnection(new StringTransport());
    assert.throws(() => protocol.makeConnection(new StringTransport()), ProtocolLifecycleError);
  });

  it("default handlers discard lines and raw data without throwing", () => {
    const protocol = new LineReceiver();
    protocol.makeConnection(new StringTransport());
    protocol.dataReceived(Buffer.from("x\r\n"));
    protocol.setRawMode();
    protocol.dataReceived(Buffer.from("raw"));
    assert.equal(protocol.lineMode, false);
    assert.equal(protocol.bufferedLength, 0);
  });

  it("every framing receiver rejects an unusable delimiter or maximum length when constructed", () => {
    assert.throws(() => new LineReceiver({ delimiter: "" }), InvalidFramingOptionError);
    assert.throws(() => new LineReceiver({ maxLength: -5 }), InvalidFramingOptionError);
    assert.throws(() => new LineOnlyReceiver({ maxLength: Number.NaN }), InvalidFramingOptionError);
    assert.throws(() => new NetstringReceiver({ maxLength: 1.5 }), InvalidFramingOptionError);
    assert.throws(() => new Int32StringReceiver({ maxLength: -1 }), InvalidFramingOptionError);
  });
});
