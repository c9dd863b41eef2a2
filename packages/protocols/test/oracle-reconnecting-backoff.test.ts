import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConnectionDone, ConnectionRefusedError, ConnectorState, IPv4Address } from "@torsion/core";
import type { IAddress, IConnector, IDelayedCall, IReactorTime } from "@torsion/core";
import { Failure } from "@torsion/defer";
import { Clock } from "@torsion/testing";
import { NoConnectorError, ReconnectingClientFactory } from "@torsion/protocols";
import { assertEvents, loadSuite, type Event } from "./timer-oracle.js";

interface Vector {
  id: string;
  kind: "valid" | "error";
  config: {
    initialDelay: number;
    factor: number;
    maxDelay: number;
    maxRetries: number | null;
    delay: number;
    jitter: number;
    timeValues?: string;
  };
  ops: Event[];
  events: Event[];
  opEventEnds: number[];
  final: { time: number; pending: number[]; retries: number; delay: number; continueTrying: number };
}

const suite = loadSuite("reconnecting-backoff") as { suite: string; vectors: readonly Vector[] };

class RecordingConnector implements IConnector {
  state: ConnectorState = ConnectorState.disconnected;
  constructor(
    readonly events: Event[],
    readonly clock: Clock,
  ) {}
  connect(): void {
    this.events.push(["connect", this.clock.seconds()]);
  }
  disconnect(): void {}
  stopConnecting(): void {
    this.events.push(["stopConnecting"]);
  }
  getDestination(): IAddress {
    return new IPv4Address("TCP", "127.0.0.1", 1);
  }
}

function recordingClock(clock: Clock, events: Event[]): IReactorTime {
  return {
    seconds: () => clock.seconds(),
    callLater: <A extends unknown[]>(delay: number, fn: (...args: A) => unknown, ...args: A): IDelayedCall => {
      events.push(["callLater", delay]);
      return clock.callLater(delay, fn, ...args);
    },
    getDelayedCalls: () => clock.getDelayedCalls(),
  };
}

function runOp(factory: ReconnectingClientFactory, connector: IConnector, clock: Clock, op: Event, events: Event[]): void {
  const [name, arg] = op;
  if (name === "advance") {
    clock.advance(arg as number);
    return;
  }
  try {
    if (name === "fail") factory.clientConnectionFailed(connector, new Failure(new ConnectionRefusedError()));
    else if (name === "lost") factory.clientConnectionLost(connector, new Failure(new ConnectionDone()));
    else if (name === "retry") factory.retry();
    else if (name === "resetDelay") factory.resetDelay();
    else if (name === "stopTrying") factory.stopTrying();
    else throw new Error(`unknown op ${name}`);
  } catch (error) {
    if (!(error instanceof NoConnectorError)) throw error;
    events.push(["raises", "ValueError"]);
    return;
  }
  events.push(["state", factory.retries, factory.delay, factory.continueTrying ? 1 : 0]);
}

function replay(vector: Vector): void {
  const exact = vector.config.timeValues === "dyadic";
  const events: Event[] = [];
  const clock = new Clock();
  const factory = new ReconnectingClientFactory({ clock: recordingClock(clock, events) });
  factory.initialDelay = vector.config.initialDelay;
  factory.factor = vector.config.factor;
  factory.maxDelay = vector.config.maxDelay;
  factory.maxRetries = vector.config.maxRetries;
  factory.jitter = vector.config.jitter;
  factory.delay = vector.config.delay;
  const connector = new RecordingConnector(events, clock);
  vector.ops.forEach((op, i) => {
    runOp(factory, connector, clock, op, events);
    assert.equal(events.length, vector.opEventEnds[i], `${vector.id}: event count after op ${i} ${JSON.stringify(op)}`);
  });
  assertEvents(events, vector.events, exact, `${vector.id}: events`);
  const final = {
    time: clock.seconds(),
    pending: clock.getDelayedCalls().map((call) => call.getTime()),
    retries: factory.retries,
    delay: factory.delay,
    continueTrying: factory.continueTrying ? 1 : 0,
  };
  assertEvents(
    [["final", final.time, final.retries, final.delay, final.continueTrying, ...final.pending]],
    [["final", vector.final.time, vector.final.retries, vector.final.delay, vector.final.continueTrying, ...vector.final.pending]],
    exact,
    `${vector.id}: final state`,
  );
}

describe("Twisted oracle: ReconnectingClientFactory back-off (reconnecting-backoff.json)", () => {
  it("has vectors to replay, error ones included", () => {
    assert.equal(suite.suite, "reconnecting-backoff");
    assert.ok(suite.vectors.length > 0);
    assert.ok(suite.vectors.some((v) => v.kind === "error"));
  });

  for (const vector of suite.vectors) {
    it(`replays ${vector.id} (${vector.kind}) with Twisted's events and final state`, () => {
      replay(vector);
    });
  }
});
