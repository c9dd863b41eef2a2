/**
 * Every example stream server also runs under the runner:
 * `npx torsion serve --listen tcp:PORT examples/dist/...` (the README's table). Each is
 * started, asked one question over loopback, and stopped with SIGTERM (status 0).
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { killAllRunners, listeningPort, repoRoot, startRunner, withDeadline } from "./runner-harness.js";

const LOOPBACK = "tcp:0:interface=127.0.0.1";
const dir = mkdtempSync(join(tmpdir(), "torsion-runner-examples-"));
after(() => {
  killAllRunners();
  rmSync(dir, { recursive: true, force: true });
});

/** Connects, writes `send`, and resolves with the received text once it matches `until`. */
function ask(port: number, send: string, until: RegExp): Promise<string> {
  return withDeadline(
    new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1");
      let text = "";
      socket.setEncoding("latin1");
      socket.on("error", reject);
      socket.on("data", (chunk: string) => {
        text += chunk;
        if (until.test(text)) {
          socket.destroy();
          resolve(text);
        }
      });
      if (send !== "") socket.write(send);
    }),
    15_000,
    () => `no answer matching ${until} from port ${port}`,
  );
}

const file = join(dir, "payload.txt");
writeFileSync(file, "hello from the file\n");

const cases: { example: string; args?: string[]; send: string; until: RegExp }[] = [
  { example: "echo-server/main.js", send: "ping\n", until: /^ping\n$/ },
  { example: "endpoint-echo/server.js", send: "pong\n", until: /^pong\n$/ },
  { example: "tls-echo/server.js", send: "plain\n", until: /^plain\n$/ },
  { example: "unix-echo/server.js", send: "unix\n", until: /^unix\n$/ },
  { example: "chat-server/main.js", send: "", until: /What's your name\?\r\n/ },
  { example: "hash-server/main.js", send: "PING\r\n", until: /PONG\r\n/ },
  { example: "file-transfer/server.js", args: [file], send: "", until: /^20 [0-9a-f]{64}\r\nhello from the file\n$/ },
  { example: "user-db/server.js", args: [join(dir, "users.db")], send: "ADD ed Ed Jones\r\n", until: /OK \d+\r\n/ },
  { example: "amp-rpc/server.js", send: "", until: /^$/ },
];

describe("the example servers under torsion serve", { timeout: 60_000 }, () => {
  for (const { example, args = [], send, until } of cases) {
    it(`serves examples/dist/${example}`, async () => {
      const runner = startRunner(["serve", "--listen", LOOPBACK, `examples/dist/${example}`, ...args]);
      const port = await listeningPort(runner, 15_000);
      if (send !== "" || until.source !== "^$") assert.match(await ask(port, send, until), until);
      runner.child.kill("SIGTERM");
      assert.deepEqual(await runner.exited(15_000), { code: 0, signal: null }, runner.stdout());
    });
  }

  it("runs as npx torsion from the workspace (the bin linked into node_modules/.bin)", async () => {
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const child = spawn("npx", ["--no-install", "torsion", "--version"], { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (t: string) => (out += t));
    const code = await withDeadline(
      new Promise<number | null>((resolve) => child.on("exit", resolve)),
      20_000,
      () => "npx torsion did not exit",
    );
    assert.equal(code, 0);
    assert.match(out, /^torsion \d+\.\d+\.\d+\n$/);
  });
});
