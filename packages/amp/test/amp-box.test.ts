import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { AmpBox, BadLocalValueError, BinaryBoxDecoder, InvalidKeyError, TooLong } from "@torsion/amp";
import { b64, loadSuite, unb64 } from "./oracle.js";

type Datum = { b: string } | { s: string };

/**
 * Deviations toward safety, by id: Twisted serializes an empty key, which the reader takes
 * as the end of the box (so the rest of the box is misread as a new one). Torsion refuses it
 * with InvalidKeyError before anything is written.
 */
const EMPTY_KEY_REFUSED = new Set(["amp-box-encode-0119", "amp-box-encode-0120"]);

function toKey(datum: Datum): string | Uint8Array {
  return "b" in datum ? unb64(datum.b) : datum.s;
}

function toValue(datum: Datum): Uint8Array {
  return ("b" in datum ? unb64(datum.b) : datum.s) as Uint8Array;
}

describe("AmpBox replays every amp-box-encode vector", () => {
  const vectors = loadSuite("amp-box-encode");
  it("the fixture holds the public vectors", () => assert.equal(vectors.length, 85));
  it("the empty-key deviations are exactly the key-empty vectors", () => {
    assert.deepEqual(
      vectors
        .filter((v) => v.category === "key-empty")
        .map((v) => v.id)
        .sort(),
      [...EMPTY_KEY_REFUSED].sort(),
    );
  });
  for (const vector of vectors) {
    it(`${vector.id} (${vector.category})`, () => {
      const pairs = vector.pairs as [Datum, Datum][];
      const event = vector.events[0] as [string, ...unknown[]];
      let result: Buffer | Error;
      try {
        const box = new AmpBox();
        for (const [key, value] of pairs) box.set(toKey(key), toValue(value));
        result = box.serialize();
      } catch (error) {
        result = error as Error;
      }
      if (EMPTY_KEY_REFUSED.has(vector.id)) {
        assert.equal(event[0], "encoded");
        assert.ok(result instanceof InvalidKeyError, String(result));
        return;
      }
      if (event[0] === "encoded") {
        assert.ok(Buffer.isBuffer(result), String(result));
        assert.equal(b64(result), event[1]);
        return;
      }
      assert.equal(event[0], "raises");
      const name = event[1];
      if (name === "TooLong") {
        const detail = event[2] as { isKey: boolean; isLocal: boolean; keyName: string | null };
        assert.ok(result instanceof TooLong, String(result));
        assert.equal(result.isKey, detail.isKey);
        assert.equal(result.isLocal, detail.isLocal);
        assert.equal(result.keyName === null ? null : b64(Buffer.from(result.keyName, "latin1")), detail.keyName);
      } else if (name === "UnicodeEncodeError") {
        assert.ok(result instanceof InvalidKeyError, String(result));
      } else if (name === "TypeError") {
        assert.ok(result instanceof BadLocalValueError, String(result));
      } else {
        assert.fail(`unexpected event ${String(name)}`);
      }
    });
  }
});

describe("AmpBox", () => {
  it("keeps the first position of a key that is set again and serializes sorted", () => {
    const box = new AmpBox([
      ["b", Buffer.from("1")],
      ["a", Buffer.from("2")],
    ]);
    box.set("b", Buffer.from("3"));
    assert.deepEqual([...box.keys()], ["b", "a"]);
    assert.equal(box.serialize().toString("latin1"), "\0\x01a\0\x012\0\x01b\0\x013\0\0");
  });

  it("accepts byte keys and reads them back as latin1 strings", () => {
    const box = new AmpBox().set(Buffer.from([0xff, 0x00]), Buffer.from("x"));
    assert.equal(box.get(Buffer.from([0xff, 0x00]))?.toString(), "x");
    assert.equal(box.get("\xff\x00")?.toString(), "x");
  });

  it("serializes the empty box as two zero bytes", () => {
    assert.deepEqual([...new AmpBox().serialize()], [0, 0]);
  });
});

describe("AmpBox storage", () => {
  it("keeps insertion order, last-value-wins and lookups right past the size where keys are indexed", () => {
    const box = new AmpBox();
    for (let i = 0; i < 40; i += 1) box.set(`k${i}`, Buffer.from(String(i)));
    box.set("k3", Buffer.from("again"));
    assert.equal(box.size, 40);
    assert.equal(box.getString("k3"), "again");
    assert.equal(box.getString("k39"), "39");
    assert.deepEqual([...box.keys()].slice(0, 4), ["k0", "k1", "k2", "k3"]);
    assert.equal(box.delete("k0"), true);
    assert.equal(box.has("k0"), false);
    assert.equal(box.getString("k1"), "1", "lookups still work after a delete shifted the pairs");
    box.set("k0", Buffer.from("back"));
    assert.equal([...box.keys()].pop(), "k0", "a key set again after delete goes last, as in a Map");
    const copy = box.copy();
    copy.set("k1", Buffer.from("copy"));
    assert.equal(box.getString("k1"), "1", "a copy is independent");
    assert.equal(copy.getString("k1"), "copy");
  });

  it("serializes a many-key box exactly as key-sorted pairs", () => {
    const box = new AmpBox();
    const keys = Array.from({ length: 30 }, (_, i) => `key${(i * 7) % 30}`);
    for (const key of keys) box.set(key, Buffer.from(key.toUpperCase()));
    const expected = Buffer.concat([
      ...[...keys].sort().map((key) => {
        const k = Buffer.from(key);
        const v = Buffer.from(key.toUpperCase());
        return Buffer.concat([Buffer.from([0, k.length]), k, Buffer.from([0, v.length]), v]);
      }),
      Buffer.from([0, 0]),
    ]);
    assert.deepEqual(box.serialize(), expected);
  });

  it("gives values of a decoded box as views of the received bytes, the same view each time", () => {
    const wire = new AmpBox({ a: Buffer.from("hello"), b: Buffer.alloc(0) }).serialize();
    const decoder = new BinaryBoxDecoder();
    decoder.feed(wire);
    const box = decoder.next() as AmpBox;
    const a = box.get("a") as Buffer;
    assert.equal(a.toString(), "hello");
    assert.equal(a.buffer, wire.buffer, "a view, not a copy");
    assert.equal(box.get("a"), a);
    assert.equal(box.getString("b"), "");
    assert.equal(box.get("b")?.length, 0);
    assert.deepEqual(box.serialize(), wire);
    assert.deepEqual(
      [...box].map(([key, value]) => [key, value.toString()]),
      [
        ["a", "hello"],
        ["b", ""],
      ],
    );
  });
});
