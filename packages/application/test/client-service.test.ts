import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CancelledError, Deferred } from "@torsion/defer";
import { ClientService } from "@torsion/application";
import { Clock, assertNoResult, failureResultOf, successResultOf } from "@torsion/testing";
import { Recording, ScriptedClientEndpoint, lose, recordingFactory } from "./helpers.js";

const noJitter =
  (initialDelay = 1): ((n: number) => number) =>
  (n) =>
    Math.min(initialDelay * 1.5 ** n, 60);

function setup(prepareConnection?: (p: Recording) => unknown): {
  clock: Clock;
  endpoint: ScriptedClientEndpoint;
  service: ClientService<Recording>;
} {
  const clock = new Clock();
  const endpoint = new ScriptedClientEndpoint();
  const service = new ClientService<Recording>(endpoint, recordingFactory(), {
    clock,
    retryPolicy: noJitter(),
    ...(prepareConnection === undefined ? {} : { prepareConnection }),
  });
  return { clock, endpoint, service };
}

describe("ClientService", () => {
  it("connects at start and hands the factory's own protocol to whenConnected", () => {
    const { endpoint, service } = setup();
    const waiting = service.whenConnected();
    service.startService();
    assert.equal(endpoint.attempts.length, 1);
    assertNoResult(waiting);
    const { protocol } = endpoint.succeed();
    const connected = successResultOf(waiting);
    assert.ok(connected instanceof Recording);
    assert.notEqual(connected, protocol, "the endpoint sees a proxy; users get the protocol itself");
    assert.equal(successResultOf(service.whenConnected()), connected);
    assert.equal(service.state, "connected");
  });

  it("retries failed attempts after retryPolicy(consecutive failures)", () => {
    const { clock, endpoint, service } = setup();
    service.startService();
    endpoint.fail();
    assert.equal(service.state, "waiting");
    clock.advance(1.49);
    assert.equal(endpoint.attempts.length, 1);
    clock.advance(0.01);
    assert.equal(endpoint.attempts.length, 2);
    endpoint.fail();
    clock.advance(2.24);
    assert.equal(endpoint.attempts.length, 2);
    clock.advance(0.01);
    assert.equal(endpoint.attempts.length, 3);
  });

  it("reconnects after a lost connection, waiting policy(1)", () => {
    const { clock, endpoint, service } = setup();
    service.startService();
    const { protocol } = endpoint.succeed();
    const first = successResultOf(service.whenConnected());
    lose(protocol, false);
    assert.equal(service.state, "waiting");
    const next = service.whenConnected();
    clock.advance(1.5);
    assert.equal(endpoint.attempts.length, 2);
    endpoint.succeed();
    assert.ok(successResultOf(next) instanceof Recording);
    assert.notEqual(successResultOf(next), first);
  });

  it("resets the failure count after a successful connection", () => {
    const delays: number[] = [];
    const clock = new Clock();
    const endpoint = new ScriptedClientEndpoint();
    const service = new ClientService(endpoint, recordingFactory(), { clock, retryPolicy: (n) => (delays.push(n), 1) });
    service.startService();
    endpoint.fail();
    clock.advance(1);
    endpoint.fail();
    clock.advance(1);
    lose(endpoint.succeed().protocol);
    assert.deepEqual(delays, [1, 2, 1]);
  });

  it("fails whenConnected with the last failure after failAfterFailures consecutive failures", () => {
    const { clock, endpoint, service } = setup();
    service.startService();
    const patient = service.whenConnected();
    const impatient = service.whenConnected({ failAfterFailures: 2 });
    endpoint.fail(new Error("first"));
    assertNoResult(impatient);
    clock.advance(1.5);
    endpoint.fail(new Error("second"));
    assert.equal(failureResultOf(impatient).getErrorMessage(), "second");
    assertNoResult(patient);
    assert.equal(failureResultOf(service.whenConnected({ failAfterFailures: 1 })).getErrorMessage(), "second");
  });

  it("runs prepareConnection before anyone gets the connection", () => {
    const preparing = new Deferred<null>();
    const { endpoint, service } = setup(() => preparing);
    service.startService();
    const waiting = service.whenConnected();
    endpoint.succeed();
    assert.equal(service.state, "preparing");
    assertNoResult(waiting);
    preparing.callback(null);
    assert.ok(successResultOf(waiting) instanceof Recording);
  });

  it("drops the connection and counts a failure when prepareConnection fails", () => {
    const { clock, endpoint, service } = setup(() => {
      throw new Error("AUTH failed");
    });
    service.startService();
    const waiting = service.whenConnected({ failAfterFailures: 1 });
    const { protocol, transport } = endpoint.succeed();
    assert.equal(transport.disconnecting, true);
    lose(protocol);
    assert.equal(failureResultOf(waiting).getErrorMessage(), "AUTH failed");
    assert.equal(service.state, "waiting");
    clock.advance(1.5);
    assert.equal(endpoint.attempts.length, 2);
  });

  it("stops by closing the connection and fires once it is lost", () => {
    const { endpoint, service } = setup();
    service.startService();
    const { protocol, transport } = endpoint.succeed();
    const stopped = service.stopService();
    assert.equal(transport.disconnecting, true);
    assertNoResult(stopped);
    assert.equal(service.stopService(), stopped, "stopping twice gives the same Deferred");
    lose(protocol);
    successResultOf(stopped);
    assert.equal(service.state, "stopped");
    assert.ok((protocol as unknown as Recording).lost !== null);
  });

  it("cancels a pending attempt or retry when stopped and fails the waiters", () => {
    const { clock, endpoint, service } = setup();
    service.startService();
    const waiter = service.whenConnected();
    successResultOf(service.stopService());
    assert.equal(endpoint.cancelled, 1);
    failureResultOf(waiter, CancelledError);
    failureResultOf(service.whenConnected(), CancelledError);

    service.startService();
    endpoint.fail();
    successResultOf(service.stopService());
    clock.advance(100);
    assert.equal(endpoint.attempts.length, 2, "no retry after stop");
  });

  it("starts again after a stop in progress has finished", () => {
    const { endpoint, service } = setup();
    service.startService();
    const { protocol } = endpoint.succeed();
    const stopped = service.stopService();
    service.startService();
    assert.equal(endpoint.attempts.length, 1);
    lose(protocol);
    successResultOf(stopped);
    assert.equal(endpoint.attempts.length, 2);
    assert.equal(service.state, "connecting");
  });

  it("lets a waiter cancel its own whenConnected", () => {
    const { endpoint, service } = setup();
    service.startService();
    const waiter = service.whenConnected();
    waiter.cancel();
    failureResultOf(waiter, CancelledError);
    endpoint.succeed();
    assert.equal(service.state, "connected");
  });
});
