/**
 * EMFILE over real sockets: a server in a child process limited by `ulimit -n` gets more
 * connections than it has descriptors; it survives, says why (`AcceptError`, at most once
 * per second, with the count) and serves again once descriptors are free.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { waitFor } from "../../stream/dist-test/helpers.js";

const SERVER = fileURLToPath(new URL("./fixtures/emfile-server.js", import.meta.url));
// 128: loading the reactor (which imports every transport) opens up to ~70 module files at once.
const LIMIT = 128;
const CLIENTS = 250;

interface Report {
  type: string;
  name?: string;
  count?: number;
  errno?: string;
  at?: number;
  port?: number;
}

function connect(port: number): Promise<net.Socket | null> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => resolve(socket));
    socket.once("error", () => resolve(null));
  });
}

function echoes(socket: net.Socket): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 5000);
    socket.once("data", (data) => {
      clearTimeout(timer);
      resolve(data.toString() === "ping");
    });
    socket.once("close", () => resolve(false));
    socket.write("ping");
  });
}

describe("EMFILE under ulimit -n", () => {
  it(`a server limited to ${LIMIT} descriptors reports failed accepts, rate-limited with counts, and recovers`, async () => {
    const child = spawn("bash", ["-c", `ulimit -n ${LIMIT} && exec "${process.execPath}" "${SERVER}"`], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    const lines: Report[] = [];
    let buffered = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        lines.push(JSON.parse(buffered.slice(0, newline)) as Report);
        buffered = buffered.slice(newline + 1);
      }
    });
    const sockets: net.Socket[] = [];
    try {
      await waitFor(() => lines.some((l) => l.type === "port"), 10_000, "the child's port");
      const port = lines.find((l) => l.type === "port")?.port as number;
      for (let i = 0; i < CLIENTS; i++) {
        const socket = await connect(port);
        if (socket === null) continue;
        socket.on("error", () => undefined);
        sockets.push(socket);
      }
      await waitFor(() => lines.some((l) => l.type === "report"), 10_000, "an accept failure report");
      const reports = lines.filter((l) => l.type === "report");
      for (const report of reports) {
        assert.equal(report.name, "AcceptError");
        assert.ok(report.errno === "EMFILE" || report.errno === "ENFILE", `errno ${report.errno ?? "(none)"}`);
        assert.ok((report.count ?? 0) >= 1);
      }
      for (let i = 1; i < reports.length; i++)
        assert.ok((reports[i]?.at ?? 0) - (reports[i - 1]?.at ?? 0) >= 0.99, "at most one report per second");
      for (const socket of sockets) socket.destroy();
      sockets.length = 0;
      // Once descriptors are free again, the server serves (poll: the kernel frees them asynchronously).
      let served = false;
      for (let attempt = 0; attempt < 50 && !served; attempt++) {
        const socket = await connect(port);
        if (socket !== null) {
          socket.on("error", () => undefined);
          served = await echoes(socket);
          socket.destroy();
        }
        if (!served) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(served, "the server echoes again after the burst");
      assert.equal(child.exitCode, null, "the server survived");
    } finally {
      for (const socket of sockets) socket.destroy();
      child.stdin.end();
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once("exit", resolve)));
    }
  });
});
