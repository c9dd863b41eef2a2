// The howto pages' code: every snippet under docs/howto/snippets/ is compiled by `tsc -b`
// (its own project) and run here, and every fenced block a page marks as a snippet is
// byte-identical to its file, so the pages and the code cannot drift apart.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { repoRoot, type Finished } from "./helpers/run-node.js";

const HOWTO = join(repoRoot, "docs", "howto");
const SNIPPETS = join(HOWTO, "snippets");
const MARKER = /^\/\/ snippet: (\S+)$/;

/** What each snippet prints on stdout (exactly), keyed by its path under snippets/. */
const EXPECTED: Readonly<Record<string, string>> = {
  "servers/qotd.ts": "server said: An apple a day keeps the doctor away (#1)\r\n",
  "servers/line-server.ts": "< HELLO\n< TWISTED STYLE\n< bye after 3 line(s)\n",
  "clients/echo-client.ts": "server said: hello, world\nconnection lost: Connection was closed cleanly.\n",
  "clients/endpoint-await.ts": "echoed: ping\nafter stopListening: ConnectionRefusedError\n",
  "testing/string-transport.ts": "string transport: ok\n",
  "testing/clock.ts": "clock: ok at t=15\n",
  "testing/memory-reactor.ts": "memory reactor: ok, 1 server recorded\n",
  "testing/pump.ts": "pump: ok (hello, alice; hello, bob)\n",
  "deferreds/callbacks.ts": "errback: 42 is too big\nresult: -1\ninner not fired yet\njoined: outer + inner\n",
  "deferreds/async-await.ts": "sum of doubles: 12\ngathered: 10, 12\n",
  "producers/pull-producer.ts": "received 4194304 bytes (64 chunks)\n",
  "framing/receivers.ts": 'int32 frame of "length-prefixed": 0000000f6c656e6774682d7072656669786564\nframing: ok\n',
  "udp/echo.ts": "echoed: one\nechoed: two\n",
  "unix/echo.ts": "connected; the peer is the socket path\nechoed: over a unix socket\n",
  "timeouts/idle-timeout.ts": "Timeout: closed at t=50\nTimeoutFactory: closed at t=55\n",
  "timeouts/reconnect.ts": "retry delays: 2, 4, 8, 10, 10\n",
  "logging/logger.ts":
    "[debug] torsion:stream:stream-port: ...\n[debug] torsion:stream:stream-connector: ...\n[info] echo: echoing 4 byte(s)\n[debug] torsion:stream:stream-transport: ...\n",
};

function snippetFiles(dir = SNIPPETS): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "dist") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...snippetFiles(path));
    else if (entry.name.endsWith(".ts")) out.push(relative(SNIPPETS, path));
  }
  return out.sort();
}

interface Block {
  readonly page: string;
  readonly line: number;
  readonly body: string;
}

/** The fenced code blocks of the howto pages, with the line each starts on. */
function fencedBlocks(): Block[] {
  const blocks: Block[] = [];
  for (const page of readdirSync(HOWTO).filter((name) => name.endsWith(".md"))) {
    const lines = readFileSync(join(HOWTO, page), "utf8").split("\n");
    for (let i = 0; i < lines.length; i += 1) {
      const open = /^(```+|~~~+)/.exec(lines[i]!);
      if (open === null) continue;
      const end = lines.findIndex((line, j) => j > i && line.startsWith(open[1]!) && line.trim() === open[1]);
      assert.notEqual(end, -1, `${page}:${i + 1}: unclosed code block`);
      blocks.push({ page, line: i + 1, body: lines.slice(i + 1, end).join("\n") + "\n" });
      i = end;
    }
  }
  return blocks;
}

function runSnippet(path: string, ms: number): Promise<Finished> {
  const script = join(SNIPPETS, "dist", path.replace(/\.ts$/, ".js"));
  const child = spawn(process.execPath, [script], { cwd: repoRoot, env: { ...process.env, DEBUG: "" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${path} did not exit within ${ms} ms; stdout: ${stdout}; stderr: ${stderr}`));
    }, ms);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe("the howto snippets", () => {
  const files = snippetFiles();

  it("each begins with its own snippet marker and has an expected output here", () => {
    assert.ok(files.length >= Object.keys(EXPECTED).length);
    for (const file of files) {
      const first = readFileSync(join(SNIPPETS, file), "utf8").split("\n", 1)[0]!;
      assert.equal(first, `// snippet: ${file}`, `${file}: first line`);
      assert.ok(Object.hasOwn(EXPECTED, file), `${file} has no expected output in this test`);
    }
    for (const file of Object.keys(EXPECTED)) assert.ok(files.includes(file), `expected output for a missing snippet ${file}`);
  });

  it("every marked code block in docs/howto/*.md is identical to its snippet file, and every snippet is on a page", () => {
    const shown = new Set<string>();
    for (const block of fencedBlocks()) {
      const marker = MARKER.exec(block.body.split("\n", 1)[0]!);
      if (marker === null) continue;
      const file = marker[1]!;
      const path = join(SNIPPETS, file);
      assert.ok(existsSync(path), `${block.page}:${block.line} includes ${file}, which does not exist`);
      assert.equal(block.body, readFileSync(path, "utf8"), `${block.page}:${block.line} differs from snippets/${file}`);
      shown.add(file);
    }
    for (const file of files) assert.ok(shown.has(file), `snippets/${file} is not included by any howto page`);
  });

  for (const file of Object.keys(EXPECTED)) {
    it(`${file} runs to completion and prints what the page says`, { timeout: 30_000 }, async () => {
      const result = await runSnippet(file, 20_000);
      assert.equal(result.code, 0, `exit ${String(result.code)} ${String(result.signal)}; stderr: ${result.stderr}`);
      assert.equal(result.stdout, EXPECTED[file]);
      assert.equal(result.stderr, "");
    });
  }
});
