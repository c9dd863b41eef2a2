/**
 * `torsion portforward` as a child process: 10 MiB both ways byte-exact through the proxy
 * to a Torsion echo server and to a Python Twisted echo server, half-close passed through,
 * and backpressure both ways (a slow reader keeps the proxy's memory bounded: its RSS is
 * read from /proc while the reader is stalled).
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import net from "node:net";
import { killAllRunners, listeningPort, repoRoot, startRunner, withDeadline } from "./runner-harness.js";

const MiB = 1024 * 1024;
const LOOPBACK = "tcp:0:interface=127.0.0.1";
const children: ChildProcess[] = [];

after(() => {
  killAllRunners();
  for (const child of children) child.kill("SIGKILL");
});

const sha = (data: Buffer): string => createHash("sha256").update(data).digest("hex");

/**
 * Sends `data` and resolves with what comes back: with `halfClose`, everything until the
 * proxy closes after our FIN; without, the first `data.length` bytes (then it closes).
 */
function roundTrip(port: number, data: Buffer, halfClose = true): Promise<Buffer> {
  return withDeadline(
    new Promise<Buffer>((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1");
      const chunks: Buffer[] = [];
      let length = 0;
      socket.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        length += chunk.length;
        if (!halfClose && length >= data.length) socket.end();
      });
      socket.on("end", () => resolve(Buffer.concat(chunks)));
      socket.on("error", reject);
      if (halfClose) socket.end(data);
      else socket.write(data);
    }),
    30_000,
    () => "the round trip did not finish",
  );
}

async function startProxy(dest: string): Promise<{ port: number; pid: number }> {
  const proxy = startRunner(["portforward", "--port", LOOPBACK, "--dest", dest]);
  return { port: await listeningPort(proxy), pid: proxy.child.pid! };
}

function twistedAvailable(): string | null {
  const probe = spawnSync("/usr/bin/python3", ["-c", "import twisted"], { encoding: "utf8" });
  return probe.status === 0 ? null : "python3-twisted is not installed (scripts/install-test-deps.sh)";
}

async function startTwistedEcho(): Promise<number> {
  const child = spawn("/usr/bin/python3", [`${repoRoot}test/fixtures/runner/twisted_echo.py`], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  let out = "";
  return withDeadline(
    new Promise<number>((resolve) => {
      child.stdout.setEncoding("utf8").on("data", (text: string) => {
        out += text;
        const match = /port (\d+)/.exec(out);
        if (match !== null) resolve(Number(match[1]));
      });
    }),
    15_000,
    () => `the Twisted echo server did not start: ${out}`,
  );
}

function rssKiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match![1]);
}

describe("torsion portforward", { timeout: 90_000 }, () => {
  it("forwards 10 MiB both ways byte-exact to a Torsion echo server, passing the half-close on", async () => {
    const echo = startRunner(["echo", "--listen", LOOPBACK]);
    const proxy = await startProxy(`tcp:127.0.0.1:${await listeningPort(echo)}`);
    const data = randomBytes(10 * MiB);
    const back = await roundTrip(proxy.port, data);
    assert.equal(back.length, data.length);
    assert.equal(sha(back), sha(data));
  });

  const missing = twistedAvailable();
  const twistedTest = missing !== null && process.env.CI !== "true" ? { skip: missing } : {};
  it("forwards 10 MiB both ways byte-exact to a Python Twisted echo server", twistedTest, async () => {
    assert.equal(missing, null, missing ?? "");
    const proxy = await startProxy(`tcp:127.0.0.1:${await startTwistedEcho()}`);
    const data = randomBytes(10 * MiB);
    // No half-close here: a Twisted protocol that is not half-closeable drops its unsent
    // output when the peer's FIN arrives, so the client waits for all of it first.
    const back = await roundTrip(proxy.port, data, false);
    assert.equal(back.length, data.length);
    assert.equal(sha(back), sha(data));
  });

  it("closes the accepted connection when the destination refuses", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const deadPort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const proxy = await startProxy(`tcp:127.0.0.1:${deadPort}`);
    assert.equal((await roundTrip(proxy.port, Buffer.from("anyone?"))).length, 0);
  });

  it("keeps its memory bounded when the client reads slowly (backpressure towards the destination)", async () => {
    const source = net.createServer((socket) => pump(socket, 96 * MiB, sent));
    const sent = { bytes: 0 };
    await new Promise<void>((resolve) => source.listen(0, "127.0.0.1", resolve));
    try {
      const proxy = await startProxy(`tcp:127.0.0.1:${(source.address() as net.AddressInfo).port}`);
      const baseline = rssKiB(proxy.pid);
      const socket = net.connect(proxy.port, "127.0.0.1");
      socket.pause();
      await new Promise<void>((resolve) => socket.once("connect", resolve));
      await settle(() => sent.bytes, 1500);
      const grown = (rssKiB(proxy.pid) - baseline) / 1024;
      socket.destroy();
      assert.ok(sent.bytes < 32 * MiB, `the source was held back (it sent ${(sent.bytes / MiB).toFixed(1)} MiB of 96)`);
      assert.ok(grown < 40, `the proxy grew by ${grown.toFixed(1)} MiB`);
    } finally {
      source.close();
    }
  });

  it("keeps its memory bounded when the destination reads slowly (backpressure towards the client)", async () => {
    let sink: net.Socket | null = null;
    const dest = net.createServer((socket) => {
      sink = socket;
      socket.pause();
    });
    await new Promise<void>((resolve) => dest.listen(0, "127.0.0.1", resolve));
    try {
      const proxy = await startProxy(`tcp:127.0.0.1:${(dest.address() as net.AddressInfo).port}`);
      const baseline = rssKiB(proxy.pid);
      const sent = { bytes: 0 };
      const socket = net.connect(proxy.port, "127.0.0.1", () => pump(socket, 96 * MiB, sent));
      await settle(() => sent.bytes, 1500);
      const grown = (rssKiB(proxy.pid) - baseline) / 1024;
      socket.destroy();
      (sink as net.Socket | null)?.destroy();
      assert.ok(sent.bytes < 32 * MiB, `the client was held back (it sent ${(sent.bytes / MiB).toFixed(1)} MiB of 96)`);
      assert.ok(grown < 40, `the proxy grew by ${grown.toFixed(1)} MiB`);
    } finally {
      dest.close();
    }
  });
});

/** Writes `total` bytes in 64 KiB chunks, honouring `write()`'s backpressure; counts what was handed over. */
function pump(socket: net.Socket, total: number, sent: { bytes: number }): void {
  const chunk = Buffer.alloc(64 * 1024, 0x62);
  socket.on("error", () => {});
  const more = (): void => {
    while (sent.bytes < total) {
      sent.bytes += chunk.length;
      if (!socket.write(chunk)) {
        socket.once("drain", more);
        return;
      }
    }
    socket.end();
  };
  more();
}

/** Resolves once `value()` has not changed for 300 ms, or after `ms`. */
async function settle(value: () => number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  let last = -1;
  while (Date.now() < end) {
    const now = value();
    if (now === last) return;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
