import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createConnection, type Socket } from "node:net";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startNode, type Running } from "./helpers/run-node.js";

const portPattern = /listening on .*port=(\d+)/;

async function stop(server: Running): Promise<void> {
  server.child.kill("SIGTERM");
  const result = await server.finished(10_000);
  assert.equal(result.code, 0, `server exit ${result.code} ${result.signal}: ${result.stderr}`);
}

/** A loopback client that collects CRLF-terminated lines. */
function lineClient(port: number): { socket: Socket; nextLine(): Promise<string>; send(line: string): void } {
  const socket = createConnection({ host: "127.0.0.1", port });
  const lines: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  let pending = "";
  socket.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    let index: number;
    while ((index = pending.indexOf("\r\n")) >= 0) {
      const line = pending.slice(0, index);
      pending = pending.slice(index + 2);
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  return {
    socket,
    nextLine: () => {
      const line = lines.shift();
      return line !== undefined ? Promise.resolve(line) : new Promise((resolve) => waiters.push(resolve));
    },
    send: (line) => socket.write(`${line}\r\n`),
  };
}

describe("the transport examples", () => {
  it("udp-echo client gets its datagram back from udp-echo server", { timeout: 20_000 }, async () => {
    const server = startNode("examples/dist/udp-echo/server.js", ["0"]);
    try {
      const [, port] = await server.waitForLine(portPattern, 10_000);
      const client = await startNode("examples/dist/udp-echo/client.js", [port!]).finished(10_000);
      assert.equal(client.code, 0, client.stderr);
      assert.match(client.stdout, /Server said: hello, udp/);
    } finally {
      await stop(server);
    }
  });

  it("udp-echo client reports that no one is listening on a closed port", { timeout: 20_000 }, async () => {
    const server = startNode("examples/dist/udp-echo/server.js", ["0"]);
    const [, port] = await server.waitForLine(portPattern, 10_000);
    await stop(server);
    const client = await startNode("examples/dist/udp-echo/client.js", [port!]).finished(10_000);
    assert.equal(client.code, 1);
    assert.match(client.stdout, /No one listening/);
  });

  it("unix-echo client gets its greeting back over a socket in a temp dir", { timeout: 20_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "torsion-example-"));
    const path = join(dir, "echo.sock");
    const server = startNode("examples/dist/unix-echo/server.js", [path]);
    try {
      await server.waitForLine(/listening on UNIXAddress/, 10_000);
      const client = await startNode("examples/dist/unix-echo/client.js", [path]).finished(10_000);
      assert.equal(client.code, 0, client.stderr);
      assert.match(client.stdout, /Server said: hello, unix/);
    } finally {
      await stop(server);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the chat-server example", () => {
  it("relays each line to the other users under the sender's nickname", { timeout: 20_000 }, async () => {
    const server = startNode("examples/dist/chat-server/main.js", ["0"]);
    const [, portText] = await server.waitForLine(portPattern, 10_000);
    const port = Number(portText);
    const alice = lineClient(port);
    const bob = lineClient(port);
    try {
      assert.equal(await alice.nextLine(), "What's your name?");
      assert.equal(await bob.nextLine(), "What's your name?");
      alice.send("alice");
      assert.equal(await alice.nextLine(), "Welcome, alice!");
      bob.send("alice");
      assert.equal(await bob.nextLine(), "Name taken, please choose another.");
      bob.send("bob");
      assert.equal(await bob.nextLine(), "Welcome, bob!");
      assert.equal(await alice.nextLine(), "* bob joined");
      alice.send("hi bob");
      assert.equal(await bob.nextLine(), "<alice> hi bob");
      bob.socket.end();
      assert.equal(await alice.nextLine(), "* bob left");
    } finally {
      alice.socket.destroy();
      bob.socket.destroy();
      await stop(server);
    }
  });
});

describe("the file-transfer example", () => {
  it("sends a 3 MB file that the client saves byte for byte and verifies", { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "torsion-file-"));
    const source = join(dir, "source.bin");
    const output = join(dir, "output.bin");
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    writeFileSync(source, bytes);
    const server = startNode("examples/dist/file-transfer/server.js", ["0", source]);
    try {
      const [, port] = await server.waitForLine(portPattern, 10_000);
      const client = await startNode("examples/dist/file-transfer/client.js", [port!, output]).finished(20_000);
      assert.equal(client.code, 0, client.stdout + client.stderr);
      assert.match(client.stdout, new RegExp(`received ${bytes.length} bytes, sha256 [0-9a-f]{64}: verified`));
      assert.ok(readFileSync(output).equals(bytes));
    } finally {
      await stop(server);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
