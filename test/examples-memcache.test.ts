/**
 * The cache-aside example (examples/cache-aside/) run as a child process against a private
 * memcached started here on a free loopback port: the first lookup of a user misses (slow
 * backend, then the cache is filled), the second hits, and memcached really holds the entry.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { startNode, type Running } from "./helpers/run-node.js";

const MEMCACHED = "/usr/bin/memcached";

function missingReason(): string | null {
  if (existsSync(MEMCACHED)) return null;
  const reason = `${MEMCACHED} is missing (run scripts/install-test-deps.sh)`;
  if (process.env["CI"] === "true") throw new Error(reason);
  return reason;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Sends `request` on a new loopback connection and resolves with the first `lines` reply lines. */
function ask(port: number, request: string, lines = 1): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket: Socket = createConnection({ host: "127.0.0.1", port });
    let received = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply to ${JSON.stringify(request)}; got ${JSON.stringify(received)}`));
    }, 10_000);
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("utf8");
      const parts = received.split("\r\n");
      if (parts.length > lines) {
        clearTimeout(timer);
        socket.end();
        resolve(parts.slice(0, lines));
      }
    });
    socket.write(request);
  });
}

const missing = missingReason();

describe("the cache-aside example", { skip: missing ?? false }, () => {
  let memcached: ChildProcess;
  let memcachedPort: number;
  let server: Running;
  let port: number;

  before(async () => {
    memcachedPort = await freePort();
    const args = ["-l", "127.0.0.1", "-p", String(memcachedPort), "-U", "0", "-t", "1", "-m", "16"];
    if (process.getuid?.() === 0) args.push("-u", "nobody");
    memcached = spawn(MEMCACHED, args, { stdio: "ignore" });
    const deadline = Date.now() + 5000;
    for (;;) {
      const ok = await ask(memcachedPort, "version\r\n").then((reply) => reply[0]?.startsWith("VERSION ") === true, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error("memcached did not start");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    server = startNode("examples/dist/cache-aside/server.js", [`tcp:host=127.0.0.1:port=${memcachedPort}`, "0", "150"]);
    const match = await server.waitForLine(/^listening on (\d+)$/m, 10_000);
    assert.ok(server.output().startsWith("listening on "), "prints its port first");
    port = Number(match[1]);
  });

  after(async () => {
    server?.child.kill();
    await server?.finished(5000).catch(() => undefined);
    memcached?.kill();
  });

  it("misses first, reading the slow backend and filling memcached, then hits", async () => {
    const first = await ask(port, "USER 1\r\n");
    assert.deepEqual(first, ['MISS {"id":"1","name":"Ada Lovelace"}']);
    const raw = await ask(memcachedPort, "get user:1\r\n", 3);
    assert.deepEqual(raw, ["VALUE user:1 0 32", '{"id":"1","name":"Ada Lovelace"}', "END"]);
    const second = await ask(port, "USER 1\r\n");
    assert.deepEqual(second, ['HIT {"id":"1","name":"Ada Lovelace"}']);
  });

  it("answers pipelined lookups in order and reports unknown users", async () => {
    const replies = await ask(port, "USER 2\r\nUSER 2\r\nUSER 404\r\nbogus\r\n", 4);
    assert.deepEqual(replies, ['MISS {"id":"2","name":"Grace Hopper"}', 'HIT {"id":"2","name":"Grace Hopper"}', "NOTFOUND 404", "ERROR expected USER <id>"]);
  });
});
