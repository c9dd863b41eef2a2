import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createConnection, type Socket } from "node:net";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startNode, type Running } from "./helpers/run-node.js";

const portPattern = /listening on .*port=(\d+)/;

async function stop(server: Running): Promise<void> {
  server.child.kill("SIGTERM");
  const result = await server.finished(15_000);
  assert.equal(result.code, 0, `exit ${String(result.code)} ${String(result.signal)}: ${result.stderr}`);
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

function haveSqlite(): boolean {
  try {
    createRequire(import.meta.url)("better-sqlite3");
    return true;
  } catch {
    return false;
  }
}

describe("the user-db example (the course's session walk-through)", () => {
  const skip = haveSqlite() || process.env.CI === "true" ? false : "better-sqlite3 is not installed";
  it("adds a user, queries it back, and shows a failed interaction rolled back", { skip, timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "torsion-user-db-"));
    const server = startNode("examples/dist/user-db/server.js", ["0", join(dir, "users.db")]);
    try {
      const [, port] = await server.waitForLine(portPattern, 15_000);
      const client = lineClient(Number(port));
      client.send("ADD ed Ed Jones");
      assert.equal(await client.nextLine(), "OK 1");
      client.send("GET ed");
      assert.equal(await client.nextLine(), "USER 1 ed Ed Jones");
      client.send("FAIL ghost");
      assert.equal(await client.nextLine(), "ROLLED BACK something went wrong after adding ghost");
      client.send("GET ghost");
      assert.equal(await client.nextLine(), "NONE");
      client.send("ADD ed Again");
      assert.match(await client.nextLine(), /^ERROR UNIQUE constraint failed/);
      client.send("LIST");
      assert.equal(await client.nextLine(), "USERS ed");
      client.socket.destroy();
    } finally {
      await stop(server);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the hash-server example", () => {
  it("answers PING at once while workers hash", { timeout: 60_000 }, async () => {
    const server = startNode("examples/dist/hash-server/main.js", ["0"]);
    try {
      const [, port] = await server.waitForLine(portPattern, 15_000);
      const client = lineClient(Number(port));
      client.send("HASH 1 warm-up");
      assert.match(await client.nextLine(), /^HASH 1 [0-9a-f]{64}$/);
      const rounds = 150_000;
      client.send(`HASH ${rounds} hello`);
      client.send(`HASH ${rounds} world`);
      for (let i = 0; i < 3; i++) client.send("PING");
      const replies: string[] = [];
      for (let i = 0; i < 5; i++) replies.push(await client.nextLine());
      assert.deepEqual(replies.slice(0, 3), ["PONG", "PONG", "PONG"], "pings waited for the hashing");
      let digest = createHash("sha256").update("hello").digest();
      for (let i = 1; i < rounds; i++) digest = createHash("sha256").update(digest).digest();
      assert.ok(replies.slice(3).includes(`HASH ${rounds} ${digest.toString("hex")}`), replies.join(" | "));
      client.send("HASH nope x");
      assert.match(await client.nextLine(), /^ERROR usage/);
      client.socket.destroy();
    } finally {
      await stop(server);
    }
  });
});

describe("the process-monitor example", () => {
  it("restarts an exiting child with growing delays and stops it on SIGTERM", { timeout: 30_000 }, async () => {
    const monitor = startNode("examples/dist/process-monitor/main.js", [
      "--min-delay",
      "0.05",
      "--max-delay",
      "0.4",
      "--threshold",
      "5",
      "--",
      "sh",
      "-c",
      "echo tick; exit 3",
    ]);
    try {
      await monitor.waitForLine(/restarting in 0\.4s[\s\S]*restarting in 0\.4s/, 20_000);
      const delays = [...monitor.output().matchAll(/restarting in ([\d.]+)s/g)].map((m) => Number(m[1]));
      assert.deepEqual(delays.slice(0, 5), [0.05, 0.1, 0.2, 0.4, 0.4]);
      assert.match(monitor.output(), /\[child\] tick/);
      assert.match(monitor.output(), /exited \(code 3\)/);
    } finally {
      await stop(monitor);
    }
  });

  it("terminates a long-running child when the monitor stops", { timeout: 30_000 }, async () => {
    const monitor = startNode("examples/dist/process-monitor/main.js", ["--", "sleep", "30"]);
    await monitor.waitForLine(/started child pid=\d+/, 15_000);
    await stop(monitor);
    assert.match(monitor.output(), /child stopped \(signal 15\)/);
  });
});
