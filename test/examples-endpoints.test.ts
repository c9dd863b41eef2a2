import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, startNode, type Running } from "./helpers/run-node.js";

const listening = /listening on .*port=(\d+)/;

async function stop(server: Running): Promise<void> {
  server.child.kill("SIGTERM");
  const result = await server.finished(10_000);
  assert.equal(result.code, 0, `server exit ${String(result.code)} ${String(result.signal)}: ${result.stderr}`);
}

describe("the endpoint-echo example", () => {
  it("echoes over tcp: descriptions, server and client in separate processes", { timeout: 20_000 }, async () => {
    const server = startNode("examples/dist/endpoint-echo/server.js", ["tcp:0:interface=127.0.0.1"]);
    try {
      const [, port] = await server.waitForLine(listening, 10_000);
      const client = startNode("examples/dist/endpoint-echo/client.js", [`tcp:127.0.0.1:${port!}`, "over tcp"]);
      const result = await client.finished(10_000);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /server echoed: over tcp/);
      assert.match(result.stdout, /connection closed: Connection was closed cleanly\./);
    } finally {
      await stop(server);
    }
  });

  it("echoes over unix: descriptions in a temp dir", { timeout: 20_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "torsion-endpoint-echo-"));
    const path = join(dir, "echo.sock");
    const server = startNode("examples/dist/endpoint-echo/server.js", [`unix:${path}`]);
    try {
      await server.waitForLine(/listening on UNIXAddress/, 10_000);
      const client = startNode("examples/dist/endpoint-echo/client.js", [`unix:${path}`, "over unix"]);
      const result = await client.finished(10_000);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /server echoed: over unix/);
    } finally {
      await stop(server);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the client reports a refused connection with its typed error and exits with status 1", { timeout: 20_000 }, async () => {
    const server = startNode("examples/dist/endpoint-echo/server.js", ["tcp:0:interface=127.0.0.1"]);
    const [, port] = await server.waitForLine(listening, 10_000);
    await stop(server);
    const client = startNode("examples/dist/endpoint-echo/client.js", [`tcp:127.0.0.1:${port!}`]);
    const result = await client.finished(10_000);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /connection failed: ConnectionRefusedError/);
  });

  it("the server reports a malformed description and exits with status 2", { timeout: 20_000 }, async () => {
    const server = startNode("examples/dist/endpoint-echo/server.js", ["tcp:http"]);
    const result = await server.finished(10_000);
    assert.equal(result.code, 2);
    assert.match(result.stdout, /bad description tcp:http: EndpointValueError: port="http": expected a decimal integer/);
  });
});

describe("docs/howto/endpoints.md", () => {
  it("shows only code from the endpoint-echo example and the endpoints tests, which are compiled and run", () => {
    const doc = readFileSync(join(repoRoot, "docs/howto/endpoints.md"), "utf8");
    const sources = [
      "examples/endpoint-echo/server.ts",
      "examples/endpoint-echo/client.ts",
      "packages/endpoints/test/memory-reactor.test.ts",
    ]
      .map((f) => readFileSync(join(repoRoot, f), "utf8"))
      .join("\n");
    // Compared line by line without indentation: the formatter dedents code in Markdown.
    const flat = (text: string): string =>
      text
        .split("\n")
        .map((line) => line.trim())
        .join("\n");
    const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
    assert.ok(blocks.length >= 2, "the howto has code");
    for (const block of blocks) assert.ok(flat(sources).includes(flat(block)), `not in the example:\n${block}`);
  });
});
