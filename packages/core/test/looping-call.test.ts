import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Deferred, Failure } from "@torsion/defer";
import { LoopingCall, LoopingCallStateError } from "@torsion/core";
import { Clock, assertNoResult, failureResultOf, successResultOf } from "@torsion/testing";

function recorder(clock: Clock): { times: number[]; fn: () => void } {
  const times: number[] = [];
  return { times, fn: () => void times.push(clock.seconds()) };
}

describe("LoopingCall", () => {
  it("calls at once and then every interval when started with now=true", () => {
    const clock = new Clock();
    const { times, fn } = recorder(clock);
    const loop = new LoopingCall(clock, fn);
    loop.start(1);
    clock.pump([0.5, 0.5, 1, 1]);
    assert.deepEqual(times, [0, 1, 2, 3]);
    assert.equal(loop.running, true);
    assert.equal(loop.interval, 1);
  });

  it("waits one interval first when started with now=false", () => {
    const clock = new Clock();
    const { times, fn } = recorder(clock);
    new LoopingCall(clock, fn).start(2, false);
    assert.deepEqual(times, []);
    clock.advance(2);
    assert.deepEqual(times, [2]);
  });

  it("passes its extra arguments to the function", () => {
    const clock = new Clock();
    const seen: unknown[][] = [];
    new LoopingCall(clock, (a: string, b: number) => void seen.push([a, b]), "a", 1).start(1);
    clock.advance(1);
    assert.deepEqual(seen, [
      ["a", 1],
      ["a", 1],
    ]);
  });

  it("collapses skipped intervals into one call and stays on the tick grid", () => {
    const clock = new Clock();
    const { times, fn } = recorder(clock);
    new LoopingCall(clock, fn).start(1);
    clock.advance(3.5);
    assert.deepEqual(times, [0, 3.5]);
    clock.advance(0.5);
    assert.deepEqual(times, [0, 3.5, 4]);
    assert.deepEqual(
      clock.getDelayedCalls().map((c) => c.getTime()),
      [5],
    );
  });

  it("fires the start Deferred with the LoopingCall when stopped, cancelling the pending call", () => {
    const clock = new Clock();
    const { times, fn } = recorder(clock);
    const loop = new LoopingCall(clock, fn);
    const d = loop.start(1);
    assertNoResult(d);
    loop.stop();
    assert.equal(successResultOf(d), loop);
    assert.equal(loop.running, false);
    assert.deepEqual(clock.getDelayedCalls(), []);
    clock.advance(5);
    assert.deepEqual(times, [0]);
  });

  it("fires the Deferred when the function returns after stop() was called inside it", () => {
    const clock = new Clock();
    let d: Deferred<LoopingCall> | null = null;
    let stateInside: string | null = null;
    const loop = new LoopingCall(clock, () => {
      loop.stop();
      stateInside = d === null ? "no deferred yet" : d.peek().state;
    });
    d = loop.start(1, false);
    clock.advance(1);
    assert.equal(stateInside, "pending");
    assert.equal(successResultOf(d), loop);
    assert.deepEqual(clock.getDelayedCalls(), []);
  });

  it("errbacks the Deferred and stops when the function throws", () => {
    const clock = new Clock();
    const loop = new LoopingCall(clock, () => {
      throw new SyntaxError("bad tick");
    });
    const d = loop.start(1);
    const failure = failureResultOf(d, SyntaxError);
    assert.equal(failure.value.message, "bad tick");
    assert.equal(loop.running, false);
    assert.deepEqual(clock.getDelayedCalls(), []);
  });

  it("waits for a Deferred returned by the function before scheduling the next call", () => {
    const clock = new Clock();
    const pending: Deferred<void>[] = [];
    const times: number[] = [];
    new LoopingCall(clock, () => {
      times.push(clock.seconds());
      const d = new Deferred<void>();
      pending.push(d);
      return d;
    }).start(1);
    clock.advance(5);
    assert.deepEqual(times, [0]);
    assert.deepEqual(clock.getDelayedCalls(), []);
    pending[0]?.callback(undefined);
    assert.deepEqual(
      clock.getDelayedCalls().map((c) => c.getTime()),
      [6],
    );
    clock.advance(1);
    assert.deepEqual(times, [0, 6]);
  });

  it("errbacks with the failure of a Deferred returned by the function", () => {
    const clock = new Clock();
    const inner = new Deferred<void>();
    const loop = new LoopingCall(clock, () => inner);
    const d = loop.start(1);
    assertNoResult(d);
    inner.errback(new RangeError("inner failed"));
    assert.equal(failureResultOf(d, RangeError).value.message, "inner failed");
    assert.equal(loop.running, false);
  });

  it("errbacks when the function returns a Failure", () => {
    const clock = new Clock();
    const loop = new LoopingCall(clock, () => new Failure(new TypeError("as value")));
    assert.equal(failureResultOf(loop.start(1), TypeError).value.message, "as value");
  });

  it("waits for a promise returned by the function", { timeout: 5_000 }, async () => {
    const clock = new Clock();
    let resolve: (() => void) | null = null;
    const loop = new LoopingCall(clock, () => new Promise<void>((r) => (resolve = r)));
    loop.start(1);
    assert.deepEqual(clock.getDelayedCalls(), []);
    (resolve as unknown as () => void)();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      clock.getDelayedCalls().map((c) => c.getTime()),
      [1],
    );
    loop.stop();
  });

  it("throws LoopingCallStateError for start while running, stop or reset while stopped", () => {
    const clock = new Clock();
    const loop = new LoopingCall(clock, () => undefined);
    assert.throws(() => loop.stop(), LoopingCallStateError);
    assert.throws(() => loop.reset(), LoopingCallStateError);
    loop.start(1);
    assert.throws(
      () => loop.start(1),
      (e: unknown) => e instanceof LoopingCallStateError && e.code === "ERR_LOOPING_CALL_STATE",
    );
    assert.equal(loop.running, true);
  });

  it("throws RangeError for a negative interval, but only after the running check", () => {
    const clock = new Clock();
    const loop = new LoopingCall(clock, () => undefined);
    assert.throws(() => loop.start(-1), RangeError);
    assert.throws(() => loop.start(Number.NaN), RangeError);
    assert.equal(loop.running, false);
    loop.start(1);
    assert.throws(() => loop.start(-1), LoopingCallStateError);
  });

  it("reset re-bases the tick grid at the current time", () => {
    const clock = new Clock();
    const { times, fn } = recorder(clock);
    const loop = new LoopingCall(clock, fn);
    loop.start(2);
    clock.advance(1.5);
    loop.reset();
    assert.equal(loop.startTime, 1.5);
    clock.advance(0.5);
    assert.deepEqual(times, [0]);
    clock.advance(1.5);
    assert.deepEqual(times, [0, 3.5]);
  });

  it("reset from inside the function does nothing", () => {
    const clock = new Clock();
    const { times, fn } = recorder(clock);
    const loop: LoopingCall = new LoopingCall(clock, () => {
      fn();
      loop.reset();
    });
    loop.start(2);
    clock.advance(2);
    assert.deepEqual(times, [0, 2]);
  });

  it("with interval 0 calls again within the same advance until stopped", () => {
    const clock = new Clock();
    let calls = 0;
    const loop: LoopingCall = new LoopingCall(clock, () => {
      calls++;
      if (calls === 5) loop.stop();
    });
    const d = loop.start(0, false);
    clock.advance(0);
    assert.equal(calls, 5);
    assert.equal(successResultOf(d), loop);
  });

  it("can be started again after stop", () => {
    const clock = new Clock();
    const { times, fn } = recorder(clock);
    const loop = new LoopingCall(clock, fn);
    loop.start(1);
    loop.stop();
    clock.advance(1);
    loop.start(3);
    clock.advance(3);
    assert.deepEqual(times, [0, 1, 4]);
  });

  it("uses the clock property, which may be replaced before start", () => {
    const first = new Clock();
    const second = new Clock();
    second.advance(100);
    const { times, fn } = recorder(second);
    const loop = new LoopingCall(first, fn);
    loop.clock = second;
    loop.start(1);
    second.advance(1);
    assert.deepEqual(times, [100, 101]);
    assert.deepEqual(first.getDelayedCalls(), []);
  });

  it("exposes the start Deferred until it fires", () => {
    const clock = new Clock();
    const loop = new LoopingCall(clock, () => undefined);
    assert.equal(loop.deferred, null);
    const d = loop.start(1);
    assert.equal(loop.deferred, d);
    loop.stop();
    assert.equal(loop.deferred, null);
    assert.match(String(loop), /stopped/);
  });
});

describe("LoopingCall.withCount", () => {
  it("passes 1 on every on-time call", () => {
    const clock = new Clock();
    const counts: number[] = [];
    LoopingCall.withCount(clock, (n) => void counts.push(n)).start(1);
    clock.pump([1, 1, 1]);
    assert.deepEqual(counts, [1, 1, 1, 1]);
  });

  it("passes the number of intervals that elapsed when ticks were skipped", () => {
    const clock = new Clock();
    const calls: [number, number][] = [];
    LoopingCall.withCount(clock, (n) => void calls.push([clock.seconds(), n])).start(1);
    clock.advance(3.5);
    clock.advance(0.5);
    clock.advance(2);
    assert.deepEqual(calls, [
      [0, 1],
      [3.5, 3],
      [4, 1],
      [6, 2],
    ]);
  });

  it("counts from the start time when started with now=false", () => {
    const clock = new Clock();
    const counts: number[] = [];
    LoopingCall.withCount(clock, (n) => void counts.push(n)).start(2, false);
    clock.advance(7);
    assert.deepEqual(counts, [3]);
  });

  it("always passes 1 for interval 0", () => {
    const clock = new Clock();
    const counts: number[] = [];
    const loop: LoopingCall = LoopingCall.withCount(clock, (n) => {
      counts.push(n);
      if (counts.length === 3) loop.stop();
    });
    loop.start(0);
    clock.advance(0);
    assert.deepEqual(counts, [1, 1, 1]);
  });
});
