/**
 * The redis-chat example: a private redis-server, two chat server processes sharing it,
 * one line client on each; a message said on one server reaches the other's client.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { startNode } from "./helpers/run-node.js";

const REDIS_SERVER = "/usr/bin/redis-server";
const listening = /listening on .*port=(\d+)/;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

/** A line client that collects what it receives. */
function lineClient(port: number): Promise<{ socket: Socket; waitFor: (pattern: RegExp) => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(port, "127.0.0.1");
    let received = "";
    const waiters: (() => void)[] = [];
    socket.setEncoding("utf8").on("data", (chunk: string) => {
      received += chunk;
      for (const wake of waiters.splice(0)) wake();
    });
    socket.once("error", reject);
    socket.once("connect", () =>
      resolve({
        socket,
        waitFor: (pattern) =>
          new Promise((done, fail) => {
            const timer = setTimeout(() => fail(new Error(`no ${pattern} in ${JSON.stringify(received)}`)), 10_000);
            const check = (): void => {
              if (pattern.test(received)) {
                clearTimeout(timer);
                done();
              } else waiters.push(check);
            };
            check();
          }),
      }),
    );
  });
}

it("redis-chat relays a message said on one server to a client of another server", async (t) => {
  if (!existsSync(REDIS_SERVER)) {
    const reason = `${REDIS_SERVER} is missing (run scripts/install-test-deps.sh)`;
    if (process.env.CI === "true") throw new Error(reason);
    t.skip(reason);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "torsion-redis-chat-"));
  const redisPort = await freePort();
  const redis = spawn(
    REDIS_SERVER,
    ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  const servers: ReturnType<typeof startNode>[] = [];
  const sockets: Socket[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
      redis.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        out += chunk;
        if (/ready to accept connections/i.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const url = `redis://127.0.0.1:${redisPort}`;
    for (let i = 0; i < 2; i += 1) servers.push(startNode("examples/dist/redis-chat/main.js", ["0", url]));
    const ports = await Promise.all(servers.map(async (server) => Number((await server.waitForLine(listening, 10_000))[1])));
    const [alice, bob] = await Promise.all(ports.map((port) => lineClient(port)));
    assert.ok(alice !== undefined && bob !== undefined);
    sockets.push(alice.socket, bob.socket);
    alice.socket.write("/nick alice\r\n/join lobby\r\n");
    bob.socket.write("/join lobby\r\n");
    await Promise.all([alice.waitFor(/\* joined lobby/), bob.waitFor(/\* joined lobby/)]);
    alice.socket.write("hello across servers\r\n");
    await bob.waitFor(/<alice> hello across servers\r\n/);
    await alice.waitFor(/<alice> hello across servers\r\n/);
    bob.socket.write("/join elsewhere\r\n");
    await bob.waitFor(/\* joined elsewhere/);
    alice.socket.write("second\r\n");
    await alice.waitFor(/<alice> second/);
  } finally {
    for (const socket of sockets) socket.destroy();
    for (const server of servers) {
      server.child.kill("SIGTERM");
      await server.finished(10_000).catch(() => undefined);
    }
    redis.kill("SIGTERM");
    await new Promise((resolve) => (redis.exitCode !== null ? resolve(null) : redis.once("exit", resolve)));
    rmSync(dir, { recursive: true, force: true });
  }
});
