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
import { AMP, StartTLS, UnhandledCommand, UnknownRemoteError } from "@torsion/amp";
import type { StreamTransport } from "@torsion/stream";
import { Certificate, CertificateOptions, KeyPair, optionsForClientTLS, trustRootFromCertificates } from "@torsion/tls";
import { BadInput, CallPlanner, Count, Fail, Fatal, Missing, Notify, Sum, serveInterop } from "./interop-commands.js";
import {
  connectAmp,
  listenAmp,
  makeReactor,
  requireTwisted,
  runPythonClient,
  startPythonServer,
  tempDir,
  type Family,
} from "./peer-support.js";
import { interopCertificates, requireOpenSSL } from "./tls-certs.js";

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

async function runCalls(amp: AMP, seed: number, calls = CALLS): Promise<{ ok: number; mismatches: string[]; outOfOrder: number }> {
  const planner = new CallPlanner(seed);
  const mismatches: string[] = [];
  const order: number[] = [];
  let ok = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < calls) {
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
  await assert.rejects(
    Promise.resolve(amp.callRemote(Fail, { kind: "bad" })),
    (e: unknown) => e instanceof BadInput && e.message === "bad input: bad",
  );
  await assert.rejects(
    Promise.resolve(amp.callRemote(Missing, {})),
    (e: unknown) => e instanceof UnhandledCommand && e.description === "Unhandled Command: b'Missing'",
  );
  assert.equal((await amp.callRemote(Sum, { a: 1n, b: 2n })).total, 3n, "declared and unhandled errors keep the connection");
  await assert.rejects(
    Promise.resolve(amp.callRemote(Fail, { kind: "unknown" })),
    (e: unknown) => e instanceof UnknownRemoteError && e.description === "Unknown Error",
  );
  await amp.lost;
  const fresh = await connectAmp(t, reactor, family, address, () => new LossRecordingAMP());
  await assert.rejects(
    Promise.resolve(fresh.callRemote(Fail, { kind: "fatal" })),
    (e: unknown) => e instanceof Fatal && e.message === "fatal: fatal",
  );
  await fresh.lost;
}

async function twistedClientAgainstTorsion(t: TestContext, family: Family): Promise<void> {
  if (!requireTwisted(t)) return;
  const reactor = makeReactor(t);
  const dir = tempDir();
  const server = listenAmp(t, reactor, family, family === "tcp" ? "0" : join(dir, "amp.sock"), () =>
    serveInterop(new AMP(), (ms, fn) => reactor.callLater(ms / 1000, fn)),
  );
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

const TLS_CALLS = 500;

/** The StartTLS box went out in the clear; everything after it (both ways) is TLS. */
function assertTLS(amp: AMP): void {
  const transport = amp.transport as unknown as StreamTransport;
  assert.equal(transport.interposed, true, "TLS was interposed on the TCP transport");
  const peer = transport.getPeerCertificate() as { subject?: string } | null;
  assert.match(peer?.subject ?? "", /CN=localhost/);
}

async function torsionClientStartsTLSWithTwisted(t: TestContext): Promise<void> {
  if (!requireTwisted(t) || !requireOpenSSL(t)) return;
  const certs = interopCertificates();
  const reactor = makeReactor(t);
  const address = await startPythonServer(t, "tcp", "0", { TLS: `${certs.serverCertPath}:${certs.serverKeyPath}` });
  const tlsOptions = optionsForClientTLS("localhost", { trustRoot: trustRootFromCertificates([Certificate.loadPEM(certs.caCert)]) });
  const amp = await connectAmp(t, reactor, "tcp", address, () => new LossRecordingAMP({ tlsOptions }));
  assert.equal((await amp.callRemote(Sum, { a: 2n, b: 3n })).total, 5n, "a call in the clear first");
  const switching = amp.callRemote(StartTLS, {});
  const held = amp.callRemote(Sum, { a: 40n, b: 2n });
  await switching;
  assert.equal((await held).total, 42n, "a call made while switching is sent over TLS once it started");
  assertTLS(amp);
  const result = await runCalls(amp, 21, TLS_CALLS);
  assert.deepEqual(result.mismatches.slice(0, 5), []);
  assert.equal(result.ok, TLS_CALLS);
  const counted = await amp.callRemote(Count, {});
  assert.equal(counted.count, BigInt(TLS_CALLS / 50));
  await assert.rejects(Promise.resolve(amp.callRemote(Fail, { kind: "bad" })), (e: unknown) => e instanceof BadInput);
  assert.equal((await amp.callRemote(Sum, { a: 1n, b: 2n })).total, 3n, "still open over TLS after a declared error");
  amp.transport.loseConnection();
  await amp.lost;
}

async function twistedClientStartsTLSWithTorsion(t: TestContext): Promise<void> {
  if (!requireTwisted(t) || !requireOpenSSL(t)) return;
  const certs = interopCertificates();
  const reactor = makeReactor(t);
  const tlsOptions = new CertificateOptions({
    privateKey: KeyPair.load(certs.serverKey),
    certificate: Certificate.loadPEM(certs.serverCert),
  });
  const servers: AMP[] = [];
  const server = listenAmp(t, reactor, "tcp", "0", () => {
    const amp = serveInterop(new AMP({ tlsOptions }), (ms, fn) => reactor.callLater(ms / 1000, fn));
    servers.push(amp);
    return amp;
  });
  const summary = await runPythonClient("tcp", server.address, 23, TLS_CALLS, IN_FLIGHT, { TLS_CA: certs.caPath });
  assert.equal(summary.tlsPeerCN, "localhost", "the Twisted client verified our certificate against its CA");
  assert.deepEqual((summary.mismatches as unknown[]).slice(0, 5), []);
  assert.equal(summary.ok, TLS_CALLS);
  assert.equal(summary.countOk, true);
  assert.equal(summary.declared, "BadInput:bad input: bad");
  assert.equal(summary.fatal, "Fatal:fatal: fatal");
  assert.equal(summary.closedAfterFatal, true);
  assert.equal(servers.length, 1);
  assert.equal(servers[0]?.tlsStarted, true, "the Torsion server switched to TLS");
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
  it("a Torsion client switches a Twisted server to TLS with StartTLS, verifying it, then keeps calling over TLS", (t) =>
    torsionClientStartsTLSWithTwisted(t));
  it("a Twisted client switches a Torsion server to TLS with StartTLS, verifying it, then keeps calling over TLS", (t) =>
    twistedClientStartsTLSWithTorsion(t));
});
