import { strict as assert } from "node:assert";
import { test } from "node:test";
import { DecodeError } from "@torsion/core";
import { seededRandom } from "@torsion/protocols";
import { RespDecoder, encodeCommand } from "@torsion/redis";

const SEEDS = [
  "+OK\r\n", "-ERR x\r\n", ":123\r\n", "$3\r\nabc\r\n", "$-1\r\n", "*2\r\n:1\r\n:2\r\n", "_\r\n", "#t\r\n", ",1.5\r\n",
  "(12345678901234567890\r\n", "!3\r\nERR\r\n", "=7\r\ntxt:abc\r\n", "%1\r\n+a\r\n:1\r\n", "~1\r\n:1\r\n", ">2\r\n+a\r\n+b\r\n",
  "|1\r\n+a\r\n+b\r\n+c\r\n", "*1\r\n*1\r\n*1\r\n$0\r\n\r\n",
];
const ALPHABET = "\r\n+-:$*%~>|_#,(!=0123456789?-.tfinax";

test("the decoder survives 100,000 seeded random and mutated inputs with only DecodeErrors and bounded memory", () => {
  const random = seededRandom(20261202);
  const pick = (n: number): number => Math.floor(random() * n);
  const limits = { maxBulkLength: 4096, maxLineLength: 1024, maxAggregateLength: 512, maxDepth: 32 };
  let frames = 0;
  let errors = 0;
  for (let i = 0; i < 100_000; i += 1) {
    let input: Buffer;
    if (i % 3 === 0) {
      const bytes = Buffer.alloc(1 + pick(40));
      for (let j = 0; j < bytes.length; j += 1) bytes[j] = i % 2 === 0 ? ALPHABET.charCodeAt(pick(ALPHABET.length)) : pick(256);
      input = bytes;
    } else {
      const parts: Buffer[] = [];
      for (let n = 1 + pick(4); n > 0; n -= 1) parts.push(Buffer.from(SEEDS[pick(SEEDS.length)] as string, "latin1"));
      if (i % 7 === 0) parts.push(encodeCommand(["SET", "k", "v"]));
      input = Buffer.concat(parts);
      for (let m = pick(3); m > 0; m -= 1) input[pick(input.length)] = ALPHABET.charCodeAt(pick(ALPHABET.length));
    }
    const decoder = new RespDecoder(limits);
    try {
      let at = 0;
      while (at < input.length) {
        const size = 1 + pick(8);
        decoder.feed(input.subarray(at, at + size));
        at += size;
        while (decoder.next() !== undefined) frames += 1;
        assert.ok(decoder.bufferedLength <= input.length);
      }
      decoder.finish();
      while (decoder.next() !== undefined) frames += 1;
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      errors += 1;
    }
  }
  assert.ok(frames > 50_000, `decoded ${frames} frames`);
  assert.ok(errors > 10_000, `${errors} decode errors`);
});
