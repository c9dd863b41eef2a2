/**
 * Replays every vector of the Twisted oracle's looping-call suite (FORMAT.md §4.1, §4.2)
 * against LoopingCall driven by the testing kit's Clock.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { LoopingCall, LoopingCallStateError, type IDelayedCall } from "@torsion/core";
import { Clock } from "@torsion/testing";

type Op = [name: string, ...args: unknown[]];
type Event = [name: string, ...args: unknown[]];

interface Vector {
  readonly id: string;
  readonly kind: string;
  readonly category: string;
  readonly config: {
    readonly withCount: boolean;
    readonly stopInCallAt: number | null;
    readonly raiseInCallAt: number | null;
    readonly timeValues: "dyadic" | "decimal";
  };
  readonly ops: Op[];
  readonly events: Event[];
  readonly opEventEnds: number[];
  readonly final: { readonly time: number; readonly running: boolean; readonly pending: number[] };
}

const fixture = new URL("../../../test/fixtures/twisted-oracle/looping-call.json", import.meta.url);
const suite = JSON.parse(readFileSync(fixture, "utf8")) as { suite: string; vectors: Vector[] };

/** Far above what any vector schedules; a bound so that a broken LoopingCall cannot hang. */
const MAX_SCHEDULED_PER_VECTOR = 10_000;

/**
 * A Clock that refuses to schedule more than MAX_SCHEDULED_PER_VECTOR calls: a runaway
 * loop (a delay that does not move time forward) then throws out of `advance` and shows
 * up as a mismatch instead of hanging the suite.
 */
class BoundedClock extends Clock {
  #scheduled = 0;
  override callLater<A extends unknown[]>(delay: number, fn: (...args: A) => unknown, ...args: A): IDelayedCall {
    if (++this.#scheduled > MAX_SCHEDULED_PER_VECTOR) throw new Error("runaway LoopingCall: too many calls scheduled");
    return super.callLater(delay, fn, ...args);
  }
}

interface Observed {
  readonly events: Event[];
  readonly opEventEnds: number[];
  readonly final: { time: number; running: boolean; pending: number[] };
}

function errorName(error: unknown): string {
  if (error instanceof LoopingCallStateError) return "AssertionError";
  if (error instanceof RangeError) return "ValueError";
  return error instanceof Error ? error.name : String(error);
}

function replay(vector: Vector): Observed {
  const clock = new BoundedClock();
  const events: Event[] = [];
  const { withCount, stopInCallAt, raiseInCallAt } = vector.config;
  let calls = 0;
  const f = (count?: number): void => {
    calls++;
    events.push(withCount ? ["call", clock.seconds(), count] : ["call", clock.seconds()]);
    if (calls === stopInCallAt) loop.stop();
    if (calls === raiseInCallAt) throw new Error(`raised in call ${calls}`);
  };
  const loop = withCount ? LoopingCall.withCount(clock, f) : new LoopingCall(clock, f);
  const opEventEnds: number[] = [];
  for (const [name, ...args] of vector.ops) {
    try {
      runOp(name, args);
    } catch (error) {
      events.push(["raises", errorName(error)]);
    }
    opEventEnds.push(events.length);
  }
  const pending = clock.getDelayedCalls().map((call) => call.getTime());
  return { events, opEventEnds, final: { time: clock.seconds(), running: loop.running, pending } };

  function runOp(name: string, args: unknown[]): void {
    switch (name) {
      case "start": {
        const d = loop.start(args[0] as number, args[1] as boolean);
        d.addCallbacks(
          () => void events.push(["deferredFired", clock.seconds()]),
          () => void events.push(["deferredFailed", clock.seconds()]),
        );
        return;
      }
      case "stop":
        loop.stop();
        return;
      case "reset":
        loop.reset();
        return;
      case "advance":
        clock.advance(args[0] as number);
        return;
      default:
        throw new Error(`unknown op ${name}`);
    }
  }
}

/** Compares two values: numbers exactly (dyadic) or within 1e-9 (decimal). */
function same(expected: unknown, actual: unknown, decimal: boolean): boolean {
  if (typeof expected === "number" && typeof actual === "number") {
    return decimal ? Math.abs(expected - actual) <= 1e-9 : expected === actual;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return expected.length === actual.length && expected.every((e, i) => same(e, actual[i], decimal));
  }
  return expected === actual;
}

function mismatches(vector: Vector, observed: Observed): string[] {
  const decimal = vector.config.timeValues === "decimal";
  const problems: string[] = [];
  if (!same(vector.events, observed.events, decimal)) {
    problems.push(`events: expected ${JSON.stringify(vector.events)}, got ${JSON.stringify(observed.events)}`);
  }
  if (!same(vector.opEventEnds, observed.opEventEnds, false)) {
    problems.push(`opEventEnds: expected ${JSON.stringify(vector.opEventEnds)}, got ${JSON.stringify(observed.opEventEnds)}`);
  }
  const { time, running, pending } = vector.final;
  if (!same(time, observed.final.time, decimal)) problems.push(`final.time: expected ${time}, got ${observed.final.time}`);
  if (running !== observed.final.running) problems.push(`final.running: expected ${running}, got ${observed.final.running}`);
  if (!same(pending, observed.final.pending, decimal)) {
    problems.push(`final.pending: expected ${JSON.stringify(pending)}, got ${JSON.stringify(observed.final.pending)}`);
  }
  return problems;
}

describe("the Twisted looping-call oracle", () => {
  it("holds vectors of the looping-call suite to replay", () => {
    assert.equal(suite.suite, "looping-call");
    assert.ok(suite.vectors.length > 0, "no vectors found");
    assert.equal(new Set(suite.vectors.map((v) => v.id)).size, suite.vectors.length, "vector ids are not unique");
  });

  for (const vector of suite.vectors) {
    it(`replays ${vector.id} (${vector.category}, ${vector.config.timeValues}) as Twisted recorded it`, () => {
      const problems = mismatches(vector, replay(vector));
      assert.deepEqual(problems, [], `${vector.id}:\n${problems.join("\n")}`);
    });
  }

  it("replays every vector without a mismatch (summary with ids)", () => {
    const failed = suite.vectors.filter((v) => mismatches(v, replay(v)).length > 0).map((v) => v.id);
    assert.ok(suite.vectors.length > 0);
    assert.deepEqual(failed, [], `mismatching vectors: ${failed.join(", ")}`);
  });
});
