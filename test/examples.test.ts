import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { startNode } from "./helpers/run-node.js";

const listening = /listening on .*port=(\d+)/;

describe("the examples", () => {
  it("echo-server echoes what echo-client sends, and both exit cleanly", { timeout: 20_000 }, async () => {
    const server = startNode("examples/dist/echo-server/main.js", ["0"]);
    try {
      const [, port] = await server.waitForLine(listening, 10_000);
      const client = startNode("examples/dist/echo-client/main.js", [port!, "127.0.0.1"]);
      const result = await client.finished(10_000);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Server said: hello, world/);
      assert.match(result.stdout, /Connection lost: Connection was closed cleanly\./);
    } finally {
      server.child.kill("SIGTERM");
    }
    const stopped = await server.finished(10_000);
    assert.equal(stopped.code, 0, `server exit: ${String(stopped.code)} ${String(stopped.signal)} ${stopped.stderr}`);
  });

  it("echo-server --zero-copy (borrowed reads) echoes what echo-client sends", { timeout: 20_000 }, async () => {
    const server = startNode("examples/dist/echo-server/main.js", ["0", "--zero-copy"]);
    try {
      const [, port] = await server.waitForLine(listening, 10_000);
      const client = startNode("examples/dist/echo-client/main.js", [port!, "127.0.0.1"]);
      const result = await client.finished(10_000);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Server said: hello, world/);
    } finally {
      server.child.kill("SIGTERM");
    }
    await server.finished(10_000);
  });

  it("echo-client reports a refused connection and exits with status 1", { timeout: 20_000 }, async () => {
    const server = startNode("examples/dist/echo-server/main.js", ["0"]);
    const [, port] = await server.waitForLine(listening, 10_000);
    server.child.kill("SIGTERM");
    await server.finished(10_000);
    const client = startNode("examples/dist/echo-client/main.js", [port!, "127.0.0.1"]);
    const result = await client.finished(10_000);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /Connection failed: /);
  });

  it("the npm start demo echoes its three lines and exits on its own", { timeout: 20_000 }, async () => {
    const demo = startNode("examples/dist/demo/main.js", ["--port", "0"]);
    const result = await demo.finished(15_000);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /client got back: Hello, Torsion!/);
    assert.match(result.stdout, /client got back: Goodbye\./);
    assert.match(result.stdout, /reactor stopped; bye/);
  });
});
