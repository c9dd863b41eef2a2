/**
 * The cache-aside example (examples/cache-aside/) switched to Redis (`--cache redis`), run
 * as a child process against a private redis-server started here on a free loopback port
 * (no persistence): the first lookup misses and fills Redis with a time-to-live, the
 * second hits, and Redis really holds the entry.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startNode, type Running } from "./helpers/run-node.js";

const REDIS_SERVER = "/usr/bin/redis-server";

function missingReason(): string | null {
  if (existsSync(REDIS_SERVER)) return null;
  const reason = `${REDIS_SERVER} is missing (run scripts/install-test-deps.sh)`;
  if (process.env.CI === "true") throw new Error(reason);
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

/** Sends `request` on a new loopback connection and resolves with the first `lines` CRLF-terminated reply lines. */
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

describe("the cache-aside example on Redis", { skip: missing ?? false }, () => {
  let redis: ChildProcess | undefined;
  let redisPort: number;
  let dir: string | undefined;
  let server: Running | undefined;
  let port: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "torsion-cache-aside-redis-"));
    redisPort = await freePort();
    const args = ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir];
    redis = spawn(REDIS_SERVER, args, { stdio: "ignore" });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const ok = await ask(redisPort, "PING\r\n").then(
        (reply) => reply[0] === "+PONG",
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error("redis-server did not start");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const started = startNode("examples/dist/cache-aside/server.js", ["--cache", "redis", `redis://127.0.0.1:${redisPort}/0`, "0", "150"]);
    server = started;
    const match = await started.waitForLine(/^listening on (\d+)$/m, 10_000);
    port = Number(match[1]);
  });

  after(async () => {
    server?.child.kill();
    await server?.finished(5000).catch(() => undefined);
    const child = redis;
    if (child?.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill();
      await exited;
    }
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("misses first, reading the slow backend and filling Redis with a time-to-live, then hits", async () => {
    const first = await ask(port, "USER 1\r\n");
    assert.deepEqual(first, ['MISS {"id":"1","name":"Ada Lovelace"}']);
    const raw = await ask(redisPort, "GET user:1\r\n", 2);
    assert.deepEqual(raw, ["$32", '{"id":"1","name":"Ada Lovelace"}']);
    const [ttl] = await ask(redisPort, "TTL user:1\r\n");
    const seconds = Number(/^:(\d+)$/.exec(ttl ?? "")?.[1]);
    assert.ok(seconds > 0 && seconds <= 60, `a time-to-live of at most 60 s, got ${String(ttl)}`);
    const second = await ask(port, "USER 1\r\n");
    assert.deepEqual(second, ['HIT {"id":"1","name":"Ada Lovelace"}']);
  });

  it("answers pipelined lookups in order and reports unknown users", async () => {
    const replies = await ask(port, "USER 2\r\nUSER 2\r\nUSER 404\r\nbogus\r\n", 4);
    assert.deepEqual(replies, [
      'MISS {"id":"2","name":"Grace Hopper"}',
      'HIT {"id":"2","name":"Grace Hopper"}',
      "NOTFOUND 404",
      "ERROR expected USER <id>",
    ]);
  });

  it("refuses an unknown cache backend with its usage line", async () => {
    const finished = await startNode("examples/dist/cache-aside/server.js", ["--cache", "couchbase", "x"]).finished(10_000);
    assert.equal(finished.code, 2);
    assert.match(finished.stderr, /usage: server\.js \[--cache memcached\|redis\]/);
  });
});
