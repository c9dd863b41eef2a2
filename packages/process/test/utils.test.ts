import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ProcessSpawnError, ProcessTerminated } from "@torsion/core";
import { Failure } from "@torsion/defer";
import {
  ProcessSignalledError,
  UnexpectedErrorOutput,
  getProcessOutput,
  getProcessOutputAndValue,
  getProcessValue,
} from "@torsion/process";
import { testReactor } from "./helpers.js";

async function failureOf(promise: PromiseLike<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return Failure.from(error).value;
  }
  assert.fail("expected a failure");
}

describe("getProcessOutput", () => {
  it("fires with stdout whatever the exit code, taking args without argv[0]", async () => {
    const { reactor } = testReactor();
    const out = await getProcessOutput(reactor, "sh", ["-c", "echo hello; exit 4"]);
    assert.equal(out.toString(), "hello\n");
  });

  it("errbacks with UnexpectedErrorOutput on stderr output, whose processEnded errbacks with the reason", async () => {
    const { reactor } = testReactor();
    const error = await failureOf(getProcessOutput(reactor, "sh", ["-c", "echo oops >&2; exit 2"]));
    assert.ok(error instanceof UnexpectedErrorOutput);
    assert.equal(error.output.toString(), "oops\n");
    const ended = await failureOf(error.processEnded);
    assert.ok(ended instanceof ProcessTerminated);
  });

  it("collects stderr into the output with errortoo", async () => {
    const { reactor } = testReactor();
    const out = await getProcessOutput(reactor, "sh", ["-c", "echo a; sleep 0.05; echo b >&2"], { errortoo: true });
    assert.equal(out.toString(), "a\nb\n");
  });

  it("errbacks with ProcessSpawnError for a program that cannot start", async () => {
    const { reactor } = testReactor();
    const error = await failureOf(getProcessOutput(reactor, "/no/such/program"));
    assert.ok(error instanceof ProcessSpawnError);
  });
});

describe("getProcessValue", () => {
  it("fires with the exit code, or null after a signal", async () => {
    const { reactor } = testReactor();
    assert.equal(await getProcessValue(reactor, "sh", ["-c", "exit 5"]), 5);
    assert.equal(await getProcessValue(reactor, "true"), 0);
    assert.equal(await getProcessValue(reactor, "sh", ["-c", "kill -KILL $$"]), null);
  });
});

describe("getProcessOutputAndValue", () => {
  it("fires with stdout, stderr and the exit code", async () => {
    const { reactor } = testReactor();
    const [out, err, code] = await getProcessOutputAndValue(reactor, "sh", ["-c", "echo o; echo e >&2; exit 1"], { env: "empty" });
    assert.deepEqual([out.toString(), err.toString(), code], ["o\n", "e\n", 1]);
  });

  it("errbacks with ProcessSignalledError carrying the output and the signal", async () => {
    const { reactor } = testReactor();
    const error = await failureOf(getProcessOutputAndValue(reactor, "sh", ["-c", "echo partial; kill -TERM $$"]));
    assert.ok(error instanceof ProcessSignalledError);
    assert.equal(error.signal, 15);
    assert.equal(error.out.toString(), "partial\n");
  });
});
