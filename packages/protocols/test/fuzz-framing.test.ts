/**
 * Seeded, bounded fuzzing of every framing class with random and adversarial bytes at
 * random chunkings. Size: TORSION_FUZZ_ITERATIONS streams per class (default 800), seed
 * TORSION_FUZZ_SEED (default 0x7015). Checks after every chunk: no exception escapes, the
 * buffered bytes stay within the documented bound, every error has closed the connection
 * (and nothing is delivered after). Checks per stream: the result does not depend on the
 * chunking, except the argument of `lineLengthExceeded`, which follows Twisted's rule
 * for the chunking at hand (checked against a model of Twisted's parsers); the lines
 * before it, and whether it happens, do not depend on the chunking.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { StringTransport } from "@torsion/testing";
import { DecodeError } from "@torsion/core";
import {
  Int16StringReceiver,
  Int32StringReceiver,
  Int8StringReceiver,
  IntPrefixDecoder,
  LineDecoder,
  LineLengthRule,
  LineOnlyReceiver,
  LineReceiver,
  NetstringDecoder,
  NetstringReceiver,
  type IntNStringReceiver,
} from "@torsion/protocols";
import { twistedLineOnlyReceiver, twistedLineReceiver, type ModelRun } from "./framing/twisted-line-model.js";

const ITERATIONS = Number(process.env.TORSION_FUZZ_ITERATIONS ?? 800);
const SEED = Number(process.env.TORSION_FUZZ_SEED ?? 0x7015);

/** xorshift32: a small deterministic generator. */
class Rng {
  #x: number;
  constructor(seed: number) {
    this.#x = seed >>> 0 || 1;
  }
  next(): number {
    let x = this.#x;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#x = x >>> 0;
    return this.#x / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

const SPECIAL = Buffer.from("\r\n:,0123456789 \x00\xff", "latin1");

/** A stream mixing valid frames, boundary cases and garbage for the given framing. */
function stream(rng: Rng, kind: string, max: number): Buffer {
  const parts: Buffer[] = [];
  const pieces = 1 + rng.int(12);
  for (let i = 0; i < pieces; i += 1) {
    const roll = rng.int(6);
    const size = rng.pick([0, 1, max - 1, max, max + 1, max + 2, rng.int(3 * max + 3)].map((n) => Math.max(0, n)));
    if (roll === 0) parts.push(Buffer.from(Array.from({ length: rng.int(40) }, () => rng.int(256))));
    else if (roll === 1) parts.push(Buffer.from(Array.from({ length: rng.int(40) }, () => SPECIAL[rng.int(SPECIAL.length)] as number)));
    else parts.push(frame(rng, kind, size));
  }
  return Buffer.concat(parts);
}

function frame(rng: Rng, kind: string, size: number): Buffer {
  const payload = Buffer.alloc(size, rng.pick([0x61, 0x0d, 0x0a, 0x2c]));
  if (kind === "line") return Buffer.concat([payload, Buffer.from(rng.pick(["\r\n", "\n", "\r", ""]))]);
  if (kind === "netstring") {
    const digits = rng.pick([String(size), `0${size}`, "99999999999", "-1", String(size + 1)]);
    return Buffer.concat([Buffer.from(`${digits}:`), payload, Buffer.from(rng.pick([",", ",", ";", ""]))]);
  }
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(rng.pick([size, size, 0xffffffff, 0x10000, 256]));
  return Buffer.concat([prefix.subarray(4 - Number(kind)), payload]);
}

function randomChunks(rng: Rng, data: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < data.length;) {
    const size = rng.pick([0, 1, 1, 2, 3, 7, 64, 1 + rng.int(data.length)]);
    chunks.push(Buffer.from(data.subarray(at, at + size)));
    at += size;
  }
  return chunks;
}

interface Harness {
  readonly protocol: { dataReceived(data: Buffer): void; readonly bufferedLength: number };
  readonly transport: StringTransport;
  readonly events: string[];
  readonly bound: number;
  /** How many framing errors the protocol has seen. */
  errorCount(): number;
  /** Line classes: the events a model of Twisted's parser gives for `chunks`. */
  model?(chunks: readonly Buffer[]): string[];
}

/** A model run in the harness's event format (`line:<hex>`, `error:<hex>`). */
function modelEvents(run: ModelRun): string[] {
  const out: string[] = [];
  for (const [type, data] of run.events) {
    const hex = Buffer.from(String(data), "base64").toString("hex");
    if (type === "line") out.push(`line:${hex}`);
    else if (type === "lineLengthExceeded") out.push(`error:${hex}`);
  }
  return out;
}

/** The events with the argument of each error blanked: what must not depend on chunking. */
const withoutArguments = (events: readonly string[]): string[] => events.map((e) => (e.startsWith("error:") ? "error" : e));

const countErrors = (events: readonly string[]) => (): number => events.filter((e) => e.startsWith("error")).length;

type Maker = (max: number, rng: Rng) => Harness;

function lineHarness(Class: typeof LineReceiver | typeof LineOnlyReceiver, max: number, rng: Rng): Harness {
  const events: string[] = [];
  const delimiter = Buffer.from(rng.pick(["\r\n", "\n", "\r\n\r\n"]));
  const protocol = new Class({ delimiter, maxLength: max });
  const transport = new StringTransport();
  protocol.lineReceived = (line) => {
    events.push(`line:${line.toString("hex")}`);
  };
  protocol.lineLengthExceeded = (line) => {
    events.push(`error:${line.toString("hex")}`);
    transport.loseConnection();
  };
  protocol.makeConnection(transport);
  const config = { delimiter, maxLength: max };
  const model = (chunks: readonly Buffer[]): string[] =>
    modelEvents(Class === LineReceiver ? twistedLineReceiver(config, chunks) : twistedLineOnlyReceiver(config, chunks, true));
  return { protocol, transport, events, bound: max + delimiter.length - 1, errorCount: countErrors(events), model };
}

function netstringHarness(max: number): Harness {
  const events: string[] = [];
  const protocol = new NetstringReceiver({ maxLength: max });
  const transport = new StringTransport();
  protocol.stringReceived = (data) => {
    events.push(`string:${data.toString("hex")}`);
  };
  protocol.makeConnection(transport);
  return { protocol, transport, events, bound: max, errorCount: () => (protocol.brokenPeer ? 1 : 0) };
}

function intHarness(Class: new (options: { maxLength: number }) => IntNStringReceiver, max: number): Harness {
  const events: string[] = [];
  const protocol = new Class({ maxLength: max });
  const transport = new StringTransport();
  protocol.stringReceived = (data) => {
    events.push(`string:${data.toString("hex")}`);
  };
  protocol.lengthLimitExceeded = (length) => {
    events.push(`error:${length}`);
    transport.loseConnection();
  };
  protocol.makeConnection(transport);
  return { protocol, transport, events, bound: max + protocol.prefixLength, errorCount: countErrors(events) };
}

const MAKERS: readonly [string, string, Maker][] = [
  ["LineReceiver", "line", (max, rng) => lineHarness(LineReceiver, max, rng)],
  ["LineOnlyReceiver", "line", (max, rng) => lineHarness(LineOnlyReceiver, max, rng)],
  ["NetstringReceiver", "netstring", (max) => netstringHarness(max)],
  ["Int8StringReceiver", "1", (max) => intHarness(Int8StringReceiver, max)],
  ["Int16StringReceiver", "2", (max) => intHarness(Int16StringReceiver, max)],
  ["Int32StringReceiver", "4", (max) => intHarness(Int32StringReceiver, max)],
];

/**
 * Feeds `chunks`, checking the invariants after each one (and, for the line classes, that
 * the events are those of Twisted's rule); returns the events.
 */
function drive(make: () => Harness, chunks: readonly Buffer[]): string[] {
  const harness = make();
  let eventsAtClose = -1;
  for (const chunk of chunks) {
    harness.protocol.dataReceived(chunk);
    const events = harness.events;
    if (harness.transport.disconnecting) {
      if (eventsAtClose < 0) eventsAtClose = events.length;
      assert.equal(events.length, eventsAtClose, "nothing is delivered after loseConnection");
    } else {
      assert.ok(harness.protocol.bufferedLength <= harness.bound, `buffered ${harness.protocol.bufferedLength} > ${harness.bound}`);
    }
    if (harness.errorCount() > 0) assert.equal(harness.transport.disconnecting, true, "an error always ends in loseConnection");
  }
  if (harness.model !== undefined) assert.deepEqual(harness.events, harness.model(chunks), "Twisted's rule for this chunking");
  return [...harness.events, `errors:${harness.errorCount()}`];
}

/** `decoder.push(chunk)`, with a decode error (which ends a netstring stream) counted as no events. */
function pushAll(decoder: { push(chunk: Buffer): unknown[] }, chunk: Buffer): unknown[] {
  try {
    return decoder.push(chunk);
  } catch (error) {
    if (error instanceof DecodeError) return [];
    throw error;
  }
}

describe(`framing fuzz (${ITERATIONS} streams per class, seed ${SEED})`, () => {
  for (const [name, kind, make] of MAKERS) {
    it(`${name}: no exception, bounded buffer, errors close, chunking-independent up to Twisted's error argument`, () => {
      const rng = new Rng(SEED ^ (name.length * 7919));
      for (let i = 0; i < ITERATIONS; i += 1) {
        const max = rng.pick([0, 1, 2, 5, 16, 100, 300]);
        const data = stream(rng, kind, max);
        const harnessSeed = rng.int(2 ** 31);
        const build = (): Harness => make(max, new Rng(harnessSeed));
        const whole = drive(build, [data]);
        const chunked = drive(build, randomChunks(rng, data));
        if (kind === "line") {
          assert.deepEqual(withoutArguments(chunked), withoutArguments(whole), `stream ${i}: ${data.toString("hex")}`);
          if (!whole.some((e) => e.startsWith("error:"))) assert.deepEqual(chunked, whole, `valid stream ${i}`);
        } else {
          assert.deepEqual(chunked, whole, `stream ${i}: ${data.toString("hex")}`);
        }
      }
    });
  }

  it("decoders keep their buffers bounded under random input", () => {
    const rng = new Rng(SEED);
    for (let i = 0; i < ITERATIONS; i += 1) {
      const max = rng.pick([0, 1, 7, 50]);
      const data = stream(rng, rng.pick(["line", "netstring", "1", "2", "4"]), max);
      const decoders: [{ push(chunk: Buffer): unknown[]; readonly bufferedLength: number }, number][] = [
        [new LineDecoder({ maxLength: max }), max + 1],
        [new LineDecoder({ maxLength: max, lengthRule: LineLengthRule.line, delimiter: "\n" }), max],
        [new NetstringDecoder({ maxLength: max }), max],
        [new IntPrefixDecoder({ prefixLength: 2, maxLength: max }), max + 2],
      ];
      for (const chunk of randomChunks(rng, data)) {
        for (const [decoder, bound] of decoders) {
          for (const event of pushAll(decoder, chunk) as { readonly type: string; readonly data?: Buffer }[]) {
            if (event.type !== "lineLengthExceeded") continue;
            assert.ok(
              event.data !== undefined && event.data.length <= chunk.length + bound,
              "a report holds at most the carry and the chunk",
            );
          }
          assert.ok(decoder.bufferedLength <= bound);
        }
      }
    }
  });
});
