import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StringTransport } from "@torsion/testing";
import { FileSender, fdFileSource } from "@torsion/protocols";

describe("fdFileSource", () => {
  const dir = mkdtempSync(join(tmpdir(), "torsion-fd-source-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reads an open file from its current position in chunks of at most the requested size", () => {
    const path = join(dir, "small.bin");
    writeFileSync(path, "abcdefg");
    const fd = openSync(path, "r");
    try {
      const source = fdFileSource(fd);
      assert.equal(Buffer.from(source.read(4)!).toString(), "abcd");
      assert.equal(Buffer.from(source.read(4)!).toString(), "efg");
      assert.equal(source.read(4), null);
      assert.equal(source.read(4), null);
    } finally {
      closeSync(fd);
    }
  });

  it("lets FileSender stream a whole file to a consumer", async () => {
    const path = join(dir, "large.bin");
    const content = Buffer.alloc(50000);
    for (let i = 0; i < content.length; i += 1) content[i] = i % 251;
    writeFileSync(path, content);
    const fd = openSync(path, "r");
    try {
      const transport = new StringTransport();
      const deferred = new FileSender().beginFileTransfer(fdFileSource(fd), transport);
      for (let i = 0; i < 10 && transport.producer !== null; i += 1) (transport.producer as FileSender).resumeProducing();
      assert.ok(transport.value().equals(content));
      assert.deepEqual([...(await deferred)], [content[content.length - 1]]);
    } finally {
      closeSync(fd);
    }
  });
});
