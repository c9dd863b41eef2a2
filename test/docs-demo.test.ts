// The `npm start` demo as the docs describe it: a busy port gets one line and a hint,
// and `DEBUG=torsion:*` shows each connection's accept, connect and loss.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { repoRoot, type Finished } from "./helpers/run-node.js";

const DEMO = "examples/dist/demo/main.js";

/** Runs the demo with `args` and extra environment, killing it after `ms`. */
function runDemo(args: readonly string[], env: NodeJS.ProcessEnv, ms: number): Promise<Finished> {
  const child = spawn(process.execPath, [DEMO, ...args], {
    cwd: repoRoot,
    env: { ...process.env, DEBUG: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the demo did not exit within ${ms} ms; stdout: ${stdout}; stderr: ${stderr}`));
    }, ms);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A loopback server holding a port, so that the demo finds it busy. */
function occupyPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") reject(new Error("no port"));
      else resolve({ server, port: address.port });
    });
  });
}

describe("the npm start demo", () => {
  it("is what npm start runs", () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> };
    assert.equal(manifest.scripts["start"], `node ${DEMO}`);
  });

  it("explains a busy port in one line with the --port hint, without a stack, and exits 1", { timeout: 20_000 }, async () => {
    const { server, port } = await occupyPort();
    try {
      const result = await runDemo(["--port", String(port)], {}, 15_000);
      assert.equal(result.code, 1);
      assert.equal(result.stdout, "");
      assert.equal(result.stderr, `port ${port} is in use; try npm start -- --port ${port + 1} (or --port 0 for any free port)\n`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("refuses a --port that is not a port number in one line and exits 1", { timeout: 20_000 }, async () => {
    const result = await runDemo(["--port", "eighty"], {}, 15_000);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /^invalid port "eighty": give a number from 0 to 65535, e\.g\. npm start -- --port 8001\n$/);
  });

  it("logs the accept, the connect and both losses of its echo session under DEBUG=torsion:*", { timeout: 20_000 }, async () => {
    const result = await runDemo(["--port", "0"], { DEBUG: "torsion:*", DEBUG_COLORS: "0" }, 15_000);
    assert.equal(result.code, 0, result.stderr);
    const [, port] = /listening on 127\.0\.0\.1:(\d+)/.exec(result.stdout) ?? [];
    assert.ok(port !== undefined, result.stdout);
    const server = `IPv4Address\\(type='TCP', host='127\\.0\\.0\\.1', port=${port}\\)`;
    const lines = result.stderr.split("\n");
    const find = (pattern: RegExp): number => {
      const index = lines.findIndex((line) => pattern.test(line));
      assert.notEqual(index, -1, `no stderr line matches ${pattern}:\n${result.stderr}`);
      return index;
    };
    const listening = find(new RegExp(`torsion:stream:stream-port listening on ${server}`));
    const accepted = find(new RegExp(`torsion:stream:stream-port accepted a connection from IPv4Address\\(.*\\) on ${server}`));
    const connected = find(new RegExp(`torsion:stream:stream-connector connected to ${server} from IPv4Address`));
    const [, clientPort] = /accepted a connection from IPv4Address\(type='TCP', host='127\.0\.0\.1', port=(\d+)\)/.exec(lines[accepted]!) ?? [];
    assert.ok(clientPort !== undefined && clientPort !== port, lines[accepted]);
    const client = `IPv4Address\\(type='TCP', host='127\\.0\\.0\\.1', port=${clientPort}\\)`;
    assert.match(lines[connected]!, new RegExp(`from ${client}`), "the client's local address is the peer the server accepted");
    const clientLost = find(new RegExp(`torsion:stream:stream-transport connection to ${server} lost: Connection was closed cleanly\\.`));
    const serverLost = find(new RegExp(`torsion:stream:stream-transport connection to ${client} lost: Connection was closed cleanly\\.`));
    const stopped = find(/torsion:reactor:reactor stopped/);
    assert.ok(listening < accepted && listening < connected, "listening comes first");
    assert.ok(Math.max(accepted, connected) < Math.min(clientLost, serverLost), "both ends connect before either is lost");
    assert.ok(Math.max(clientLost, serverLost) < stopped, "the losses come before the reactor stops");
  });

  it("logs nothing on stderr when DEBUG is not set", { timeout: 20_000 }, async () => {
    const result = await runDemo(["--port", "0"], {}, 15_000);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, "");
    assert.match(result.stdout, /reactor stopped; bye/);
  });
});
