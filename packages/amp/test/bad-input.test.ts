import { strict as assert } from "node:assert";
import { after, before, describe, it } from "node:test";
import { DecodeError } from "@torsion/core";
import { Failure, setErrorReporter, type ErrorReporter } from "@torsion/defer";
import { AMP, AmpBox, AmpError, AmpProtocolError, BAD_INPUT_CONTEXT, BoxTooLargeError, Command, Integer, TooLong } from "@torsion/amp";
import { StringTransport } from "@torsion/testing";

const Sum = Command.define({ commandName: "Sum", arguments: { a: Integer(), b: Integer() }, response: { total: Integer() } });

/** mulberry32: a small seeded generator, so failures reproduce. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Server extends AMP {
  stopReason: Failure | null = null;
  constructor() {
    super({ maxBoxLength: 64 * 1024 });
    this.responder(Sum, ({ a, b }) => ({ total: a + b }));
  }
  override stopReceivingBoxes(reason: Failure): void {
    this.stopReason = reason;
    super.stopReceivingBoxes(reason);
  }
}

function connect(): { server: Server; transport: StringTransport } {
  const server = new Server();
  const transport = new StringTransport();
  server.makeConnection(transport);
  return { server, transport };
}

const raw = (text: string): Buffer => Buffer.from(text, "latin1");
const command = (fields: Record<string, string>): Buffer =>
  new AmpBox(Object.entries(fields).map(([k, v]) => [raw(k), raw(v)])).serialize();

describe("bad input ends the connection with a typed error and a report", () => {
  const reports: [unknown, string][] = [];
  let previous: ErrorReporter;
  before(() => {
    previous = setErrorReporter((error, context) => {
      reports.push([error, context]);
    });
  });
  after(() => setErrorReporter(previous));

  const cases: [string, Buffer, (error: Error) => boolean][] = [
    ["an empty box", raw("\0\0"), (e) => e instanceof AmpProtocolError && e.reason === "noEmptyBoxes"],
    ["a box with no dispatch key", command({ a: "1" }), (e) => e instanceof AmpProtocolError && e.reason === "noEmptyBoxes"],
    ["an answer for an unknown tag", command({ _answer: "9" }), (e) => e instanceof AmpProtocolError && e.reason === "unknownTag"],
    ["an error box without a code", command({ _error: "1" }), (e) => e instanceof AmpProtocolError && e.reason === "missingErrorCode"],
    [
      "a non-ASCII command name",
      command({ _command: "S\xffm", _ask: "1" }),
      (e) => e instanceof AmpProtocolError && e.reason === "nonAsciiCommand",
    ],
    ["a key over 255 bytes", Buffer.concat([raw("\x01\x00"), Buffer.alloc(256)]), (e) => e instanceof TooLong && !e.isLocal],
    [
      "a box over the size limit",
      Buffer.concat(Array.from({ length: 2 }, (_, i) => Buffer.concat([raw(`\0\x01${i}\xff\xff`), Buffer.alloc(65535)]))),
      (e) => e instanceof BoxTooLargeError,
    ],
  ];
  for (const [what, wire, check] of cases) {
    it(`closes on ${what}`, () => {
      const { server, transport } = connect();
      const reported = reports.length;
      server.dataReceived(wire);
      assert.ok(transport.disconnecting, "loseConnection was called");
      server.dataReceived(command({ _command: "Sum", _ask: "1", a: "1", b: "2" }));
      assert.equal(transport.value().length, 0, "nothing is answered after bad input");
      server.connectionLost(new Failure(new Error("closed")));
      const reason = server.stopReason?.value as Error;
      assert.ok(check(reason), `stop reason ${String(reason)}`);
      if (!(reason instanceof DecodeError)) {
        assert.equal(reports.length, reported + 1);
        assert.equal(reports[reported]?.[1], BAD_INPUT_CONTEXT);
      }
    });
  }

  it("survives 3000 seeded random and mutated inputs at random chunk sizes without a crash or unbounded buffering", () => {
    const random = seeded(0xa3b);
    const valid = [
      command({ _command: "Sum", _ask: "1", a: "1", b: "2" }),
      command({ _command: "Nope", _ask: "2" }),
      command({ _command: "Sum", a: "x", b: "2" }),
      command({ _answer: "1", total: "3" }),
    ];
    let closedTyped = 0;
    for (let round = 0; round < 3000; round += 1) {
      const parts: Buffer[] = [];
      for (let n = 1 + Math.floor(random() * 4); n > 0; n -= 1) {
        const kind = random();
        if (kind < 0.3) parts.push(Buffer.from(Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256))));
        else {
          const box = Buffer.from(valid[Math.floor(random() * valid.length)] as Buffer);
          for (let flips = Math.floor(random() * 3); flips > 0; flips -= 1)
            box[Math.floor(random() * box.length)] = Math.floor(random() * 256);
          parts.push(kind < 0.6 ? box.subarray(0, Math.floor(random() * box.length)) : box);
        }
      }
      const input = Buffer.concat(parts);
      const { server, transport } = connect();
      for (let pos = 0; pos < input.length;) {
        const size = 1 + Math.floor(random() * 16);
        server.dataReceived(input.subarray(pos, pos + size));
        pos += size;
        assert.ok(server.bufferedLength <= 64 * 1024 + 16, "bounded");
      }
      server.connectionLost(new Failure(new Error("end")));
      if (transport.disconnecting) {
        const reason = server.stopReason?.value;
        assert.ok(
          reason instanceof AmpError || reason instanceof DecodeError || reason?.message === "end",
          `typed reason: ${String(reason)}`,
        );
        closedTyped += 1;
      }
    }
    assert.ok(closedTyped > 100, `many inputs were refused (${closedTyped})`);
    for (const [error] of reports) {
      const value = error instanceof Failure ? error.value : error;
      assert.ok(value instanceof AmpError || value instanceof DecodeError, `every report carries a typed error: ${String(value)}`);
    }
  });
});
