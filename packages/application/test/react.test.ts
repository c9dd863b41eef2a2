import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { Deferred, setErrorReporter } from "@torsion/defer";
import { NodeReactor } from "@torsion/reactor";
import { ExitError, react } from "@torsion/application";

function quietReactor(): NodeReactor {
  return new NodeReactor({ installSignalHandlers: false, shutdownGraceSeconds: 1 });
}

async function withReports<T>(fn: (reports: string[]) => Promise<T>): Promise<T> {
  const reports: string[] = [];
  const previous = setErrorReporter((failure, context) => reports.push(`${context}: ${failure.getErrorMessage()}`));
  const exitCode = process.exitCode;
  try {
    return await fn(reports);
  } finally {
    setErrorReporter(previous);
    process.exitCode = exitCode;
  }
}

describe("react", () => {
  it("runs main with the reactor running and arguments, then stops it with exit code 0", async () => {
    await withReports(async () => {
      const reactor = quietReactor();
      const seen: unknown[] = [];
      let stops = 0;
      reactor.addSystemEventTrigger("before", "shutdown", () => {
        stops++;
      });
      const code = await react(
        reactor,
        async (r, a: string, b: number) => {
          seen.push(r === reactor, a, b);
          await new Promise((resolve) => setImmediate(resolve));
          seen.push(r.running);
        },
        "x",
        2,
      );
      assert.equal(code, 0);
      assert.deepEqual(seen, [true, "x", 2, true]);
      assert.equal(stops, 1);
      assert.equal(reactor.running, false);
    });
  });

  it("exits 1 and reports the error when main fails", async () => {
    await withReports(async (reports) => {
      const code = await react(quietReactor(), () => Promise.reject(new Error("main broke")));
      assert.equal(code, 1);
      assert.equal(process.exitCode, 1);
      assert.deepEqual(reports, ["react: main failed: main broke"]);
    });
  });

  it("uses an ExitError's own code without reporting it", async () => {
    await withReports(async (reports) => {
      const code = await react(quietReactor(), () => {
        const d = new Deferred<void>();
        setImmediate(() => d.errback(new ExitError(7)));
        return d;
      });
      assert.equal(code, 7);
      assert.deepEqual(reports, []);
    });
  });

  it("stops everything when main throws synchronously", async () => {
    await withReports(async (reports) => {
      const reactor = quietReactor();
      const code = await react(reactor, () => {
        throw new TypeError("sync throw");
      });
      assert.equal(code, 1);
      assert.equal(reactor.running, false);
      assert.deepEqual(reports, ["react: main failed: sync throw"]);
    });
  });

  it("exits 0 on SIGTERM before main finishes, and lets Node exit by itself", async () => {
    const script = fileURLToPath(new URL("./react-child.js", import.meta.url));
    const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let signalled = false;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
      if (!signalled && out.includes("running\n")) {
        signalled = true;
        child.kill("SIGTERM");
      }
    });
    const [code] = (await once(child, "exit")) as [number | null];
    assert.equal(code, 0);
    assert.match(out, /running\nreact resolved with 0\n$/);
  });
});
