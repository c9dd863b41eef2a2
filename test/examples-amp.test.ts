/**
 * The AMP examples, run as child processes: the RPC server and client (Torsion against
 * Torsion, and each against the Python Twisted side in examples/amp-rpc/fib_peer.py), and the
 * worker pool with its workers started by this test as node child processes.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it, type TestContext } from "node:test";
import { repoRoot, startNode, type Finished, type Running } from "./helpers/run-node.js";

const listening = /listening on (\d+)/;
const PYTHON = "/usr/bin/python3";
const FIB_PEER = "examples/amp-rpc/fib_peer.py";

/** fib(n), computed here to check the examples' answers. */
function fib(n: number): bigint {
  let [a, b] = [0n, 1n];
  for (let i = 0; i < n; i += 1) [a, b] = [b, a + b];
  return a;
}

function twistedAvailable(t: TestContext): boolean {
  if (spawnSync(PYTHON, ["-c", "import twisted.protocols.amp"], { stdio: "ignore" }).status === 0) return true;
  const reason = `${PYTHON} with Twisted is missing (run scripts/install-test-deps.sh)`;
  if (process.env.CI === "true") throw new Error(reason);
  t.skip(reason);
  return false;
}

/** Runs the Python side of the example (same interface as startNode). */
function startPython(args: readonly string[]): Running {
  const child = spawn(PYTHON, [FIB_PEER, ...args], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const waiters: (() => void)[] = [];
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<Finished>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    child,
    output: () => stdout,
    waitForLine: (pattern, ms) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no line matching ${pattern}; stderr: ${stderr}`)), ms);
        const check = (): void => {
          const match = stdout.match(pattern);
          if (match) {
            clearTimeout(timer);
            resolve(match);
          } else waiters.push(check);
        };
        check();
      }),
    finished: (ms) => {
      const timer = setTimeout(() => child.kill(), ms);
      return exited.finally(() => clearTimeout(timer));
    },
  };
}

const NS = ["0", "1", "10", "79", "90", "500", "1000"];
const expected = NS.map((n) => fib(Number(n)).toString());

async function checkClient(client: Running): Promise<void> {
  const result = await client.finished(15_000);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.stdout.trim().split("\n"), expected);
}

async function checkNegative(client: Running): Promise<void> {
  const result = await client.finished(15_000);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /Negative: fib\(-5\): n must not be negative/);
}

describe("the AMP examples", () => {
  it(
    "amp-rpc: the Torsion client gets exact fib(N) from the Torsion server, concurrent calls and NEGATIVE included",
    { timeout: 30_000 },
    async () => {
      const server = startNode("examples/dist/amp-rpc/server.js", ["0"]);
      try {
        const [, port] = await server.waitForLine(listening, 10_000);
        assert.match(server.output(), /^listening on \d+\n/, "the first line");
        await checkClient(startNode("examples/dist/amp-rpc/client.js", [port!, ...NS]));
        await checkNegative(startNode("examples/dist/amp-rpc/client.js", [port!, "-5"]));
      } finally {
        server.child.kill("SIGTERM");
      }
      assert.equal((await server.finished(10_000)).code, 0);
    },
  );

  it("amp-rpc: a Python Twisted client calls the Torsion server", { timeout: 30_000 }, async (t) => {
    if (!twistedAvailable(t)) return;
    const server = startNode("examples/dist/amp-rpc/server.js", ["0"]);
    try {
      const [, port] = await server.waitForLine(listening, 10_000);
      await checkClient(startPython(["client", port!, ...NS]));
      await checkNegative(startPython(["client", port!, "-5"]));
    } finally {
      server.child.kill("SIGTERM");
    }
    await server.finished(10_000);
  });

  it("amp-rpc: the Torsion client calls a Python Twisted server", { timeout: 30_000 }, async (t) => {
    if (!twistedAvailable(t)) return;
    const server = startPython(["server", "0"]);
    try {
      const [, port] = await server.waitForLine(listening, 10_000);
      await checkClient(startNode("examples/dist/amp-rpc/client.js", [port!, ...NS]));
      await checkNegative(startNode("examples/dist/amp-rpc/client.js", [port!, "-5"]));
    } finally {
      server.child.kill("SIGTERM");
    }
    await server.finished(10_000);
  });

  it("amp-worker-pool: the dispatcher hands 12 tasks to 3 worker processes and collects every result", { timeout: 30_000 }, async () => {
    const dispatcher = startNode("examples/dist/amp-worker-pool/dispatcher.js", ["0", "3", "12"]);
    const [, port] = await dispatcher.waitForLine(listening, 10_000);
    const workers = [0, 1, 2].map(() => startNode("examples/dist/amp-worker-pool/worker.js", [port!]));
    const result = await dispatcher.finished(20_000);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.match(/primes below (\d+): (\d+) \(worker (\d+)\)/g) ?? [];
    assert.equal(lines.length, 12);
    const known = new Map([
      [10_000, "1229"],
      [50_000, "5133"],
      [100_000, "9592"],
      [120_000, "11301"],
    ]);
    for (const [below, count] of known)
      assert.ok(
        lines.some((line) => line.startsWith(`primes below ${below}: ${count} `)),
        `primes below ${below}`,
      );
    assert.equal(new Set(lines.map((line) => /worker (\d+)/.exec(line)?.[1])).size, 3, "every worker did some tasks");
    assert.match(result.stdout, /done: 12 tasks on 3 workers/);
    for (const worker of workers) assert.equal((await worker.finished(10_000)).code, 0);
  });
});

describe("docs/howto/amp.md", () => {
  it("shows only code from the amp-rpc example, which is compiled and run", () => {
    const doc = readFileSync(join(repoRoot, "docs/howto/amp.md"), "utf8");
    const sources = [
      "examples/amp-rpc/fib-command.ts",
      "examples/amp-rpc/server.ts",
      "examples/amp-rpc/client.ts",
      "examples/amp-rpc/fib_peer.py",
    ]
      .map((file) => readFileSync(join(repoRoot, file), "utf8"))
      .join("\n");
    const blocks = [...doc.matchAll(/```(?:ts|python)\n([\s\S]*?)```/g)].map((match) => match[1] as string);
    assert.ok(blocks.length >= 6, "the howto has code");
    for (const block of blocks) assert.ok(sources.includes(block), `not in the example:\n${block}`);
  });
});
