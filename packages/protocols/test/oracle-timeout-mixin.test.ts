import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Protocol } from "@torsion/core";
import { Clock, StringTransport } from "@torsion/testing";
import { Timeout } from "@torsion/protocols";
import { assertEvents, loadSuite, type Event } from "./timer-oracle.js";

interface Vector {
  id: string;
  kind: "valid" | "error";
  config: { timeOut: number | null; timeValues: "dyadic" | "decimal" };
  ops: Event[];
  events: Event[];
  opEventEnds: number[];
  final: { time: number; timeOut: number | null; pending: number[] };
}

const suite = loadSuite("timeout-mixin") as { suite: string; vectors: readonly Vector[] };

/** Twisted's StringTransport as FORMAT.md §3.2 records it: loseConnection is an event, nothing more. */
class RecordingTransport extends StringTransport {
  constructor(readonly events: Event[]) {
    super();
  }
  override loseConnection(): void {
    this.events.push(["loseConnection"]);
    super.loseConnection();
  }
}

/** `Protocol + TimeoutMixin` of §4.4, with the mixin as an owned Timeout. */
class TimingOutProtocol extends Protocol {
  readonly timeout: Timeout;
  constructor(
    readonly clock: Clock,
    readonly events: Event[],
    timeOut: number | null,
  ) {
    super();
    this.timeout = new Timeout(clock, () => this.timeoutConnection(), { timeOut });
  }
  override dataReceived(data: Buffer): void {
    this.timeout.resetTimeout();
  }
  timeoutConnection(): void {
    this.events.push(["timeout", this.clock.seconds()]);
    this.transport?.loseConnection();
  }
}

function replay(vector: Vector): void {
  const exact = vector.config.timeValues === "dyadic";
  const events: Event[] = [];
  const clock = new Clock();
  const protocol = new TimingOutProtocol(clock, events, vector.config.timeOut);
  protocol.makeConnection(new RecordingTransport(events));
  vector.ops.forEach((op, i) => {
    const [name, arg] = op;
    if (name === "setTimeout") events.push(["setTimeoutReturned", protocol.timeout.setTimeout(arg as number | null)]);
    else if (name === "resetTimeout") protocol.timeout.resetTimeout();
    else if (name === "data") protocol.dataReceived(Buffer.from("x"));
    else if (name === "advance") clock.advance(arg as number);
    else throw new Error(`unknown op ${name}`);
    assert.equal(events.length, vector.opEventEnds[i], `${vector.id}: event count after op ${i} ${JSON.stringify(op)}`);
  });
  assertEvents(events, vector.events, exact, `${vector.id}: events`);
  const pending = clock.getDelayedCalls().map((call) => call.getTime());
  assertEvents(
    [["final", clock.seconds(), protocol.timeout.timeOut, ...pending]],
    [["final", vector.final.time, vector.final.timeOut, ...vector.final.pending]],
    exact,
    `${vector.id}: final state`,
  );
}

describe("Twisted oracle: TimeoutMixin as Timeout (timeout-mixin.json)", () => {
  it("has dyadic and decimal vectors to replay", () => {
    assert.equal(suite.suite, "timeout-mixin");
    assert.ok(suite.vectors.length > 0);
    assert.ok(suite.vectors.some((v) => v.config.timeValues === "dyadic"));
    assert.ok(suite.vectors.some((v) => v.config.timeValues === "decimal"));
  });

  for (const vector of suite.vectors) {
    it(`replays ${vector.id} (${vector.config.timeValues}) with Twisted's events and final state`, () => {
      replay(vector);
    });
  }
});
