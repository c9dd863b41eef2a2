/**
 * The reactor in a real child process: after stop() (or a real SIGINT/SIGTERM) nothing is
 * left to hold the process, so Node exits on its own with status 0.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { dirname, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

/** The reactor package directory, where `@torsion/reactor` resolves. */
const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");

interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `script` as an ES module in a child Node; `onLine` sees each stdout line. Killed after 5 s. */
function runChild(script: string, onLine: (line: string, child: ReturnType<typeof spawn>) => void = () => undefined): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { cwd: PACKAGE_DIR, timeout: 5000 });
    let stdout = "";
    let partial = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) onLine(line, child);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

const PRELUDE = `
import { NodeReactor } from "@torsion/reactor";
const reactor = new NodeReactor({ shutdownGraceSeconds: 1 });
reactor.callLater(3600, () => console.log("must not run"));
reactor.addSystemEventTrigger("after", "shutdown", () => console.log("after shutdown"));
reactor.callWhenRunning(() => console.log("running"));
`;

describe("process lifetime", { timeout: 15_000 }, () => {
  it("lets Node exit on its own once stop() has finished, despite a pending delayed call", async () => {
    const result = await runChild(`${PRELUDE}
reactor.callLater(0.01, () => reactor.stop());
await reactor.run();
console.log("run resolved");
`);
    assert.equal(result.signal, null, `killed: ${result.stderr}`);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split("\n"), ["running", "after shutdown", "run resolved"]);
  });

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`stops cleanly and exits with status 0 when the process receives ${signal}`, async () => {
      const result = await runChild(
        `${PRELUDE}
reactor.run().then(() => console.log("run resolved"));
`,
        (line, child) => {
          if (line === "running") child.kill(signal);
        },
      );
      assert.equal(result.signal, null, `killed by a signal: ${result.stderr}`);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(result.stdout.trim().split("\n"), ["running", "after shutdown", "run resolved"]);
    });
  }
});
