/**
 * Interop with the real Python Twisted 22.4 AMP (Debian python3-twisted, installed by
 * scripts/install-test-deps.sh): a Torsion client against a Twisted server and a Twisted
 * client against a Torsion server, over loopback TCP and a temp-dir Unix socket, with
 * thousands of seeded random calls covering every argument type, 100 in flight, answers
 * out of order, declared / fatal / UNKNOWN / UNHANDLED errors and requiresAnswer=false.
 */
import { strict as assert } from "node:assert";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import { Failure, setErrorReporter, type ErrorReporter } from "@torsion/defer";
import { AMP, UnhandledCommand, UnknownRemoteError } from "@torsion/amp";
import { BadInput, CallPlanner, Count, Fail, Fatal, Missing, Notify, Sum, serveInterop } from "./interop-commands.js";
import {
  connectAmp, listenAmp, makeReactor, requireTwisted, runPythonClient, startPythonServer, tempDir, type Family,
} from "./peer-support.js";

const CALLS = 2000;
const IN_FLIGHT = 100;

class LossRecordingAMP extends AMP {
  #resolve: ((reason: Failure) => void) | null = null;
  readonly lost = new Promise<Failure>((resolve) => {
    this.#resolve = resolve;
  });
  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    this.#resolve?.(reason);
  }
}

async function runCalls(amp: AMP, seed: number): Promise<{ ok: number; mismatches: string[]; outOfOrder: number }> {
  const planner = new CallPlanner(seed);
  const mismatches: string[] = [];
  const order: number[] = [];
  let ok = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < CALLS) {
      const index = next++;
      const call = planner.next(index);
      if (index % 50 === 0) amp.callRemote(Notify, { text: `note ${index}` });
      try {
        const response = await amp.callRemote(call.command, call.args);
        order.push(index);
        if (call.check(response)) ok += 1;
        else mismatches.push(`${index} ${call.command.commandName}`);
      } catch (error) {
        mismatches.push(`${index} ${call.command.commandName}: ${String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const outOfOrder = order.filter((value, i) => i > 0 && value < (order[i - 1] as number)).length;
  return { ok, mismatches, outOfOrder };
}

async function torsionClientAgainstTwisted(t: TestContext, family: Family): Promise<void> {
  if (!requireTwisted(t)) return;
  const reactor = makeReactor(t);
  const dir = tempDir();
  const address = await startPythonServer(t, family, family === "tcp" ? "0" : join(dir, "amp.sock"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const amp = await connectAmp(t, reactor, family, address, () => new LossRecordingAMP());
  const result = await runCalls(amp, family === "tcp" ? 7 : 8);
  assert.deepEqual(result.mismatches.slice(0, 5), []);
  assert.equal(result.ok, CALLS);
  assert.ok(result.outOfOrder > 0, "some answers came out of order");
  const counted = await amp.callRemote(Count, {});
  assert.equal(counted.count, BigInt(CALLS / 50));
  assert.equal(counted.last, `note ${CALLS - 50}`);
  await assert.rejects(Promise.resolve(amp.callRemote(Fail, { kind: "bad" })), (e: unknown) => e instanceof BadInput && e.message === "bad input: bad");
  await assert.rejects(Promise.resolve(amp.callRemote(Missing, {})), (e: unknown) => e instanceof UnhandledCommand && e.description === "Unhandled Command: b'Missing'");
  assert.equal((await amp.callRemote(Sum, { a: 1n, b: 2n })).total, 3n, "declared and unhandled errors keep the connection");
  await assert.rejects(Promise.resolve(amp.callRemote(Fail, { kind: "unknown" })), (e: unknown) => e instanceof UnknownRemoteError && e.description === "Unknown Error");
  await amp.lost;
  const fresh = await connectAmp(t, reactor, family, address, () => new LossRecordingAMP());
  await assert.rejects(Promise.resolve(fresh.callRemote(Fail, { kind: "fatal" })), (e: unknown) => e instanceof Fatal && e.message === "fatal: fatal");
  await fresh.lost;
}

async function twistedClientAgainstTorsion(t: TestContext, family: Family): Promise<void> {
  if (!requireTwisted(t)) return;
  const reactor = makeReactor(t);
  const dir = tempDir();
  const server = listenAmp(t, reactor, family, family === "tcp" ? "0" : join(dir, "amp.sock"), () =>
    serveInterop(new AMP(), (ms, fn) => reactor.callLater(ms / 1000, fn)));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const summary = await runPythonClient(family, server.address, family === "tcp" ? 11 : 12, CALLS, IN_FLIGHT);
  assert.deepEqual((summary.mismatches as unknown[]).slice(0, 5), []);
  assert.equal(summary.calls, CALLS);
  assert.equal(summary.ok, CALLS);
  assert.ok((summary.outOfOrder as number) > 0, "some answers came out of order");
  assert.equal(summary.countOk, true);
  assert.equal(summary.declared, "BadInput:bad input: bad");
  assert.equal(summary.openAfterDeclared, true);
  assert.equal(summary.fatal, "Fatal:fatal: fatal");
  assert.equal(summary.closedAfterFatal, true);
}

describe("interop with Python Twisted 22.4 AMP", () => {
  let previous: ErrorReporter;
  before(() => {
    previous = setErrorReporter(() => {});
  });
  after(() => setErrorReporter(previous));

  it("a Torsion client calls a Twisted server over TCP (2000 seeded calls, 100 in flight)", (t) => torsionClientAgainstTwisted(t, "tcp"));
  it("a Torsion client calls a Twisted server over a Unix socket", (t) => torsionClientAgainstTwisted(t, "unix"));
  it("a Twisted client calls a Torsion server over TCP (2000 seeded calls, 100 in flight)", (t) => twistedClientAgainstTorsion(t, "tcp"));
  it("a Twisted client calls a Torsion server over a Unix socket", (t) => twistedClientAgainstTorsion(t, "unix"));
});
