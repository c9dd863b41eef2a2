import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, openSync, closeSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChildFDError, ProcessDone, ProcessExitedAlready, ProcessSpawnError, ProcessTerminated } from "@torsion/core";
import { DEFAULT_CHILD_FDS, PTYNotSupportedError } from "@torsion/process";
import { CHILD, Recorder, contractViolation, testReactor } from "./helpers.js";

const node = process.execPath;

describe("spawnProcess", () => {
  it("calls connectionMade inside spawnProcess, before it returns", async () => {
    const { reactor } = testReactor();
    const recorder = new Recorder();
    const transport = reactor.spawnProcess(recorder, "true", ["true"]);
    assert.deepEqual(recorder.shape(), ["made"]);
    assert.equal(recorder.transport, transport);
    assert.equal(typeof transport.pid, "number");
    await recorder.ended;
  });

  it("delivers stdout and stderr, then ends last with ProcessDone once every pipe is lost", async () => {
    const { reactor, errors } = testReactor();
    const recorder = new Recorder();
    const transport = reactor.spawnProcess(recorder, node, ["node", CHILD, "order", "0"]);
    transport.write(Buffer.from("ping"));
    transport.writeSequence([Buffer.from("-"), Buffer.from("pong")]);
    transport.closeStdin();
    const reason = await recorder.ended;
    assert.equal(contractViolation(recorder.events, [0, 1, 2]), null, recorder.shape().join(" "));
    assert.equal(recorder.output(1), "out1\nin:ping-pong\nout2\n");
    assert.equal(recorder.output(2), "err1\n");
    assert.ok(reason.value instanceof ProcessDone);
    assert.equal(reason.value.status, 0);
    assert.equal(transport.pid, null);
    assert.deepEqual(errors, []);
  });

  it("reports a non-zero exit code as ProcessTerminated with Twisted's wait status", async () => {
    const { reactor } = testReactor();
    const recorder = new Recorder();
    reactor.spawnProcess(recorder, "sh", ["sh", "-c", "exit 3"]);
    const reason = await recorder.ended;
    assert.ok(reason.value instanceof ProcessTerminated);
    const exited = recorder.events.find((e) => e.kind === "exited");
    assert.ok(exited?.kind === "exited" && exited.reason.value instanceof ProcessTerminated);
    assert.deepEqual([reason.value.exitCode, reason.value.signal, reason.value.status], [3, null, 768]);
  });

  it("reports death by a signal with the signal's number, name and status", async () => {
    const { reactor } = testReactor();
    const recorder = new Recorder();
    reactor.spawnProcess(recorder, "sh", ["sh", "-c", "kill -TERM $$"]);
    const reason = (await recorder.ended).value as ProcessTerminated;
    assert.ok(reason instanceof ProcessTerminated);
    assert.deepEqual([reason.exitCode, reason.signal, reason.status, reason.signalName], [null, 15, 15, "SIGTERM"]);
  });

  it("kills with signalProcess('KILL'), and throws ProcessExitedAlready once the child is reaped", async () => {
    const { reactor } = testReactor();
    const recorder = new Recorder();
    let inEnded: unknown = null;
    recorder.processEnded = function (this: Recorder, reason) {
      try {
        this.transport!.signalProcess("TERM");
      } catch (error) {
        inEnded = error;
      }
      Recorder.prototype.processEnded.call(this, reason);
    };
    const transport = reactor.spawnProcess(recorder, "sleep", ["sleep", "30"]);
    transport.signalProcess("KILL");
    const reason = (await recorder.ended).value as ProcessTerminated;
    assert.deepEqual([reason.exitCode, reason.signal, reason.status], [null, 9, 9]);
    assert.ok(inEnded instanceof ProcessExitedAlready);
    assert.throws(() => transport.signalProcess(9), ProcessExitedAlready);
    assert.throws(() => transport.signalProcess("NOSUCH" as "TERM"), TypeError);
  });

  it("passes args[0] as argv[0], separately from the executable", async () => {
    const { reactor } = testReactor();
    const recorder = new Recorder();
    reactor.spawnProcess(recorder, "cat", ["kitty", "/proc/self/cmdline"]);
    await recorder.ended;
    assert.equal(recorder.output(1), "kitty\0/proc/self/cmdline\0");
  });

  it("inherits the environment by default; 'empty' passes none and an object is the whole environment", async () => {
    const { reactor } = testReactor();
    process.env.TORSION_PROCESS_TEST = "inherited";
    try {
      const inherit = new Recorder();
      reactor.spawnProcess(inherit, "sh", ["sh", "-c", "echo $TORSION_PROCESS_TEST"]);
      const empty = new Recorder();
      reactor.spawnProcess(empty, "env", ["env"], { env: "empty" });
      const given = new Recorder();
      reactor.spawnProcess(given, "env", ["env"], { env: { ONLY: "this" } });
      await Promise.all([inherit.ended, empty.ended, given.ended]);
      assert.equal(inherit.output(1), "inherited\n");
      // Node itself copies NODE_V8_COVERAGE into every child's environment (so coverage
      // tools see children), whatever env is given: under `npm run coverage` it is there.
      const own = (output: string): string => output.replace(/^NODE_V8_COVERAGE=.*\n/m, "");
      assert.equal(own(empty.output(1)), "");
      assert.equal(own(given.output(1)), "ONLY=this\n");
    } finally {
      delete process.env.TORSION_PROCESS_TEST;
    }
  });

  it("runs the child in the working directory given as path", async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "torsion-process-")));
    try {
      const { reactor } = testReactor();
      const recorder = new Recorder();
      reactor.spawnProcess(recorder, "pwd", ["pwd"], { path: dir });
      await recorder.ended;
      assert.equal(recorder.output(1), `${dir}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives extra child fds as pipes in both directions and reports each one lost once", async () => {
    const { reactor, errors } = testReactor();
    const recorder = new Recorder();
    const transport = reactor.spawnProcess(recorder, "sh", ["sh", "-c", 'echo three >&3; read line <&4; echo "got $line"'], {
      childFDs: { 0: "w", 1: "r", 2: "r", 3: "r", 4: "w" },
    });
    transport.writeToChild(4, Buffer.from("four\n"));
    transport.closeChildFD(4);
    assert.throws(() => transport.writeToChild(3, Buffer.from("x")), ChildFDError);
    assert.throws(() => transport.writeToChild(7, Buffer.from("x")), ChildFDError);
    await recorder.ended;
    assert.equal(contractViolation(recorder.events, [0, 1, 2, 3, 4]), null, recorder.shape().join(" "));
    assert.equal(recorder.output(3), "three\n");
    assert.equal(recorder.output(1), "got four\n");
    assert.deepEqual(errors, []);
  });

  it("gives every child spawned with the default childFDs exactly fds 0, 1 and 2, whatever other children used", async () => {
    const { reactor, errors } = testReactor();
    const children: Recorder[] = [];
    for (const childFDs of [undefined, { 0: "w", 1: "r", 2: "r", 3: "r" } as const, DEFAULT_CHILD_FDS, undefined]) {
      const recorder = new Recorder();
      reactor.spawnProcess(recorder, "sh", ["sh", "-c", "echo out; echo err >&2"], childFDs === undefined ? {} : { childFDs });
      children.push(recorder);
      await recorder.ended;
    }
    const lost = (r: Recorder): number[] => r.events.flatMap((e) => (e.kind === "lost" ? [e.fd] : [])).sort();
    assert.deepEqual(children.map(lost), [
      [0, 1, 2],
      [0, 1, 2, 3],
      [0, 1, 2],
      [0, 1, 2],
    ]);
    for (const r of children) assert.equal(r.output(1) + r.output(2), "out\nerr\n");
    assert.deepEqual(errors, []);
  });

  it("lets the child inherit a parent fd given by number, and leaves unlisted fds closed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "torsion-process-"));
    const file = join(dir, "out.txt");
    const fd = openSync(file, "w");
    try {
      const { reactor } = testReactor();
      const recorder = new Recorder();
      reactor.spawnProcess(recorder, "sh", ["sh", "-c", "echo via-inherited-fd >&3; echo nostdin; cat"], { childFDs: { 1: "r", 3: fd } });
      await recorder.ended;
      assert.equal(readFileSync(file, "utf8"), "via-inherited-fd\n");
      assert.equal(recorder.output(1), "nostdin\n");
      assert.equal(contractViolation(recorder.events, [1]), null, recorder.shape().join(" "));
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports a missing executable as ProcessSpawnError naming it, with no exit code and nothing reported", async () => {
    const { reactor, errors } = testReactor();
    const recorder = new Recorder();
    const transport = reactor.spawnProcess(recorder, "/no/such/program", ["prog"]);
    assert.equal(transport.pid, null);
    assert.throws(() => transport.signalProcess("TERM"), ProcessExitedAlready);
    transport.write(Buffer.from("dropped"));
    const reason = (await recorder.ended).value;
    assert.ok(reason instanceof ProcessSpawnError);
    assert.ok(reason instanceof ProcessTerminated);
    assert.equal(reason.executable, "/no/such/program");
    assert.equal(reason.errnoCode, "ENOENT");
    assert.match(reason.message, /\/no\/such\/program/);
    assert.deepEqual([reason.exitCode, reason.signal, reason.status], [null, null, null]);
    assert.equal(contractViolation(recorder.events, [0, 1, 2]), null, recorder.shape().join(" "));
    assert.deepEqual(errors, []);
  });

  it("reports a file that is not executable as ProcessSpawnError EACCES", async () => {
    const dir = mkdtempSync(join(tmpdir(), "torsion-process-"));
    const script = join(dir, "not-executable.sh");
    writeFileSync(script, "#!/bin/sh\necho hi\n");
    chmodSync(script, 0o644);
    try {
      const { reactor, errors } = testReactor();
      const recorder = new Recorder();
      reactor.spawnProcess(recorder, script, [script]);
      const reason = (await recorder.ended).value;
      assert.ok(reason instanceof ProcessSpawnError);
      assert.equal(reason.errnoCode, "EACCES");
      assert.deepEqual(errors, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports a missing working directory as ProcessSpawnError", async () => {
    const { reactor, errors } = testReactor();
    const recorder = new Recorder();
    reactor.spawnProcess(recorder, "true", ["true"], { path: "/no/such/dir" });
    const reason = (await recorder.ended).value;
    assert.ok(reason instanceof ProcessSpawnError, String(reason));
    assert.equal(contractViolation(recorder.events, [0, 1, 2]), null, recorder.shape().join(" "));
    assert.deepEqual(errors, []);
  });

  it("throws typed errors for usePTY, malformed childFDs and non-string arguments, starting nothing", () => {
    const { reactor } = testReactor();
    const recorder = new Recorder();
    assert.throws(() => reactor.spawnProcess(recorder, "true", ["true"], { usePTY: true }), PTYNotSupportedError);
    assert.throws(() => reactor.spawnProcess(recorder, "true", ["true"], { childFDs: { 1: "x" as "r" } }), ChildFDError);
    assert.throws(() => reactor.spawnProcess(recorder, "true", ["true"], { childFDs: { [-1]: "r" } }), ChildFDError);
    assert.throws(() => reactor.spawnProcess(recorder, "true", ["true", 3 as unknown as string]), TypeError);
    assert.throws(() => reactor.spawnProcess(recorder, "", []), TypeError);
    assert.deepEqual(recorder.events, []);
  });

  it("closes every pipe on loseConnection, so a reader sees EOF and exits cleanly", async () => {
    const { reactor } = testReactor();
    const recorder = new Recorder();
    const transport = reactor.spawnProcess(recorder, "sh", ["sh", "-c", "cat >/dev/null"]);
    transport.write(Buffer.from("lost"));
    transport.loseConnection();
    assert.equal(transport.disconnecting, true);
    const reason = await recorder.ended;
    assert.ok(reason.value instanceof ProcessDone);
    assert.equal(contractViolation(recorder.events, [0, 1, 2]), null, recorder.shape().join(" "));
  });

  it("drops writes after closeStdin and rejects non-bytes with TypeError", async () => {
    const { reactor } = testReactor();
    const recorder = new Recorder();
    const transport = reactor.spawnProcess(recorder, "cat", ["cat"]);
    transport.write(Buffer.from("kept"));
    transport.closeStdin();
    transport.write(Buffer.from("dropped"));
    assert.throws(() => transport.write("text" as unknown as Uint8Array), TypeError);
    assert.throws(() => transport.writeSequence([Buffer.from("a"), "b" as unknown as Uint8Array]), TypeError);
    await recorder.ended;
    assert.equal(recorder.output(1), "kept");
  });

  it("reports a throwing childDataReceived once and closes only that fd", async () => {
    const { reactor, errors } = testReactor();
    const recorder = new Recorder();
    recorder.outReceived = () => {
      throw new Error("bad stdout handler");
    };
    reactor.spawnProcess(recorder, "sh", ["sh", "-c", "echo a; sleep 0.1; echo b >&2"]);
    const reason = await recorder.ended;
    assert.ok(reason.value instanceof ProcessDone);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.error.message, /bad stdout handler/);
    assert.match(errors[0]!.context, /childDataReceived \(fd 1\)/);
    assert.equal(recorder.output(2), "b\n");
    assert.equal(recorder.output(1), "a\n");
    assert.equal(contractViolation(recorder.events, [0, 1, 2]), null, recorder.shape().join(" "));
  });

  it("handles a rejected promise from processExited like a throw: reported, and processEnded still follows", async () => {
    const { reactor, errors } = testReactor();
    const recorder = new Recorder();
    recorder.processExited = async () => {
      await Promise.resolve();
      throw new Error("async exit handler failed");
    };
    reactor.spawnProcess(recorder, "true", ["true"]);
    await recorder.ended;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.error.message, /async exit handler failed/);
    assert.match(errors[0]!.context, /processExited/);
  });

  it("stops reading output while paused and reads it all after resumeProducing", async () => {
    const { reactor } = testReactor();
    const recorder = new Recorder();
    const transport = reactor.spawnProcess(recorder, "sh", ["sh", "-c", "echo one"]);
    transport.pauseProducing();
    const exited = new Promise<void>((resolve) => {
      recorder.processExited = () => resolve();
    });
    await exited;
    assert.equal(recorder.output(1), "");
    assert.ok(!recorder.shape().includes("ended"));
    transport.resumeProducing();
    await recorder.ended;
    assert.equal(recorder.output(1), "one\n");
  });
});
