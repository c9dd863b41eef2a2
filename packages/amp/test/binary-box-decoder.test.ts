import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { ConnectionDone, type IAddress, type IProducer, type ITransport, IPv4Address } from "@torsion/core";
import { Failure } from "@torsion/defer";
import { AmpBox, BinaryBoxDecoder, BinaryBoxProtocol, BoxTooLargeError, TooLong } from "@torsion/amp";
import { b64, loadSuite, unb64, type OracleEvent } from "./oracle.js";

/** A fake transport as FORMAT.md §3.2: writes and loseConnection are recorded; nothing else happens. */
export class RecordingTransport implements ITransport {
  disconnecting = false;
  readonly #address: IAddress = new IPv4Address("TCP", "127.0.0.1", 0);
  constructor(
    readonly events: OracleEvent[],
    readonly prefix = "",
  ) {}
  write(data: Uint8Array): void {
    this.events.push([`${this.prefix}write`, b64(data)]);
  }
  writeSequence(data: Iterable<Uint8Array>): void {
    this.write(Buffer.concat([...data]));
  }
  loseConnection(): void {
    this.events.push([`${this.prefix}loseConnection`]);
    this.disconnecting = true;
  }
  getPeer(): IAddress {
    return this.#address;
  }
  getHost(): IAddress {
    return this.#address;
  }
  registerProducer(_producer: IProducer, _streaming: boolean): void {}
  unregisterProducer(): void {}
  pauseProducing(): void {}
  resumeProducing(): void {}
  stopProducing(): void {}
}

class RecordingBoxProtocol extends BinaryBoxProtocol {
  constructor(readonly events: OracleEvent[]) {
    super();
  }
  override ampBoxReceived(box: AmpBox): void {
    this.events.push(["box", [...box].map(([key, value]) => [b64(Buffer.from(key, "latin1")), b64(value)])]);
  }
  override stopReceivingBoxes(reason: Failure): void {
    this.events.push(["stopReceivingBoxes", reason.value instanceof TooLong ? "TooLong" : reason.value.name]);
  }
}

describe("BinaryBoxProtocol replays every amp-box-decode vector (realistic mode, per-chunk attribution)", () => {
  const vectors = loadSuite("amp-box-decode");
  it("the fixture holds the public vectors", () => assert.equal(vectors.length, 79));
  for (const vector of vectors) {
    it(`${vector.id} (${vector.category}, ${String(vector.chunking)})`, () => {
      const chunks = vector.chunks as string[];
      const ends = vector.chunkEventEnds as number[];
      const disconnect = vector.disconnectChunk as number | null;
      const events: OracleEvent[] = [];
      const protocol = new RecordingBoxProtocol(events);
      const transport = new RecordingTransport(events);
      protocol.makeConnection(transport);
      const last = disconnect ?? chunks.length - 1;
      for (let i = 0; i <= last; i += 1) {
        protocol.dataReceived(unb64(chunks[i] as string));
        assert.deepEqual(events, vector.events.slice(0, ends[i]), `after chunk ${i}`);
      }
      const final = vector.final as { state: string } | undefined;
      if (final !== undefined) assert.equal(protocol.parserState, final.state);
      protocol.connectionLost(new Failure(new ConnectionDone()));
      assert.deepEqual(events, vector.events);
    });
  }
});

describe("BinaryBoxDecoder", () => {
  const wire = Buffer.concat([
    new AmpBox({ _command: Buffer.from("Sum"), a: Buffer.from("1") }).serialize(),
    new AmpBox().serialize(),
    new AmpBox({ k: Buffer.alloc(300, 7) }).serialize(),
  ]);

  function decodeAll(chunkSize: number): AmpBox[] {
    const decoder = new BinaryBoxDecoder();
    const boxes: AmpBox[] = [];
    for (let i = 0; i < wire.length; i += chunkSize) {
      decoder.feed(wire.subarray(i, i + chunkSize));
      for (let box = decoder.next(); box !== undefined; box = decoder.next()) boxes.push(box);
    }
    return boxes;
  }

  it("gives the same boxes at every chunk size from 1 byte up", () => {
    const whole = decodeAll(wire.length).map((box) => box.serialize().toString("hex"));
    assert.equal(whole.length, 3);
    for (let size = 1; size <= 40; size += 1) {
      assert.deepEqual(
        decodeAll(size).map((box) => box.serialize().toString("hex")),
        whole,
        `chunk size ${size}`,
      );
    }
  });

  it("drops a partial box at the end of the stream", () => {
    const decoder = new BinaryBoxDecoder();
    decoder.feed(wire.subarray(0, 10));
    assert.equal(decoder.next(), undefined);
    assert.ok(decoder.bufferedLength > 0);
    decoder.finish();
    assert.equal(decoder.next(), undefined);
    assert.equal(decoder.bufferedLength, 0);
  });

  it("refuses a box bigger than maxBoxLength as soon as a length prefix announces it", () => {
    const decoder = new BinaryBoxDecoder({ maxBoxLength: 1000 });
    const value = Buffer.alloc(600);
    const box = new AmpBox({ a: value, b: value }).serialize();
    decoder.feed(box.subarray(0, 500));
    assert.equal(decoder.next(), undefined);
    decoder.feed(box.subarray(500, 700));
    // the second value's length prefix already announces a box over the limit
    assert.throws(() => decoder.next(), BoxTooLargeError);
    assert.throws(() => decoder.next(), BoxTooLargeError);
    assert.equal(decoder.bufferedLength, 0);
  });

  it("hands back the unparsed bytes for a protocol switch", () => {
    const decoder = new BinaryBoxDecoder();
    decoder.feed(Buffer.concat([new AmpBox().serialize(), Buffer.from("\0\x05hel")]));
    assert.equal(decoder.next()?.size, 0);
    assert.equal(decoder.next(), undefined);
    assert.equal(decoder.takeRemainder().toString("latin1"), "\0\x05hel");
  });
});

describe("BinaryBoxDecoder's whole-box fast path", () => {
  const pair = (key: Buffer, value: Buffer): Buffer =>
    Buffer.concat([Buffer.from([key.length >> 8, key.length & 0xff]), key, Buffer.from([value.length >> 8, value.length & 0xff]), value]);

  it("still refuses a 256-byte key lying whole in one chunk", () => {
    const decoder = new BinaryBoxDecoder();
    decoder.feed(Buffer.concat([pair(Buffer.alloc(256, 0x61), Buffer.from("v")), Buffer.from([0, 0])]));
    assert.throws(
      () => decoder.next(),
      (error: unknown) => error instanceof TooLong && error.isKey,
    );
  });

  it("still refuses a box over maxBoxLength lying whole in one chunk, and accepts one of exactly that length", () => {
    const wire = new AmpBox({ k: Buffer.alloc(100, 0x62) }).serialize();
    const exact = new BinaryBoxDecoder({ maxBoxLength: wire.length });
    exact.feed(wire);
    assert.equal(exact.next()?.get("k")?.length, 100);
    const over = new BinaryBoxDecoder({ maxBoxLength: wire.length - 1 });
    over.feed(wire);
    assert.throws(() => over.next(), BoxTooLargeError);
  });

  it("gives the same boxes for every split of a stream of boxes, many in one chunk included", () => {
    const boxes = [
      new AmpBox({ _command: Buffer.from("Sum"), _ask: Buffer.from("1"), a: Buffer.from("1"), b: Buffer.from("2") }),
      new AmpBox(),
      new AmpBox({ x: Buffer.alloc(0), y: Buffer.alloc(300, 0x63) }),
      new AmpBox({ _answer: Buffer.from("1"), total: Buffer.from("3") }),
    ];
    const stream = Buffer.concat(boxes.map((box) => box.serialize()));
    const expected = boxes.map((box) => box.serialize().toString("hex"));
    for (const size of [1, 2, 3, 7, 50, stream.length]) {
      const decoder = new BinaryBoxDecoder();
      const got: string[] = [];
      for (let i = 0; i < stream.length; i += size) {
        decoder.feed(stream.subarray(i, i + size));
        for (let box = decoder.next(); box !== undefined; box = decoder.next()) got.push(box.serialize().toString("hex"));
      }
      assert.deepEqual(got, expected, `chunks of ${size}`);
    }
  });

  it("lets a repeated key overwrite the earlier value in a whole box", () => {
    const decoder = new BinaryBoxDecoder();
    decoder.feed(
      Buffer.concat([
        pair(Buffer.from("k"), Buffer.from("1")),
        pair(Buffer.from("j"), Buffer.from("2")),
        pair(Buffer.from("k"), Buffer.from("3")),
        Buffer.from([0, 0]),
      ]),
    );
    const box = decoder.next() as AmpBox;
    assert.deepEqual([...box.keys()], ["k", "j"]);
    assert.equal(box.getString("k"), "3");
  });
});
