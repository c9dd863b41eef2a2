import { strict as assert } from "node:assert";
import { test } from "node:test";
import { CommandWriter, RedisArgumentError, RespDecoder, encodeCommand } from "@torsion/redis";

test("a command is an array of bulk strings with byte lengths", () => {
  assert.equal(
    encodeCommand(["SET", "k", "é", 12, 9007199254740993n]).toString("utf8"),
    "*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\né\r\n$2\r\n12\r\n$16\r\n9007199254740993\r\n",
  );
});

test("byte arguments are sent as they are and decode back intact", () => {
  const bytes = Buffer.from([0, 13, 10, 255]);
  const wire = encodeCommand(["SET", bytes, new Uint8Array([1, 2])]);
  const decoder = new RespDecoder();
  decoder.feed(wire);
  assert.deepEqual(decoder.next(), [Buffer.from("SET"), bytes, Buffer.from([1, 2])]);
});

test("a writer batches many commands and refuses bad arguments without appending", () => {
  const writer = new CommandWriter();
  writer.append(["PING"]);
  assert.throws(() => writer.append([]), RedisArgumentError);
  assert.throws(() => writer.append(["SET", "k", NaN]), RedisArgumentError);
  assert.throws(() => writer.append(["SET", "k", null as unknown as string]), RedisArgumentError);
  writer.append(["GET", Buffer.from("k")]);
  assert.equal(writer.pending, 2);
  assert.equal(Buffer.concat(writer.take()).toString(), "*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
  assert.equal(writer.take().length, 0);
});

test("appendAll writes every command or, when one has a bad argument, none", () => {
  const writer = new CommandWriter();
  assert.throws(() => writer.appendAll([["PING"], ["SET", "k", Infinity]]), /command 1/);
  assert.equal(writer.pending, 0);
  assert.equal(writer.take().length, 0);
  writer.appendAll([["PING"], ["GET", "k"]]);
  assert.equal(writer.pending, 2);
  assert.equal(Buffer.concat(writer.take()).toString(), "*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
});

test("strings of any length and content are sent as their UTF-8 bytes", () => {
  const pieces = ["a", "Z", "~", "\u007f", "\u0080", "é", "€", "😀", "\ud800", "\udfff", "\r", "\n", "\u0000", " "];
  let seed = 7;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let round = 0; round < 2000; round += 1) {
    const length = random(90);
    let text = "";
    const ascii = random(2) === 0;
    for (let i = 0; i < length; i += 1) text += pieces[random(ascii ? 4 : pieces.length)] as string;
    const bytes = Buffer.from(text, "utf8");
    const expected = Buffer.concat([Buffer.from(`*2\r\n$3\r\nSET\r\n$${bytes.length}\r\n`), bytes, Buffer.from("\r\n")]);
    assert.deepEqual(encodeCommand(["SET", text]), expected, JSON.stringify(text));
  }
});
