import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Deferred } from "@torsion/defer";
import { BufferingObserver, globalLogPublisher } from "@torsion/logger";
import { TimerService } from "@torsion/application";
import { Clock, successResultOf } from "@torsion/testing";

describe("TimerService", () => {
  it("calls at start and then every step seconds while running", () => {
    const clock = new Clock();
    const calls: number[] = [];
    const service = new TimerService(clock, 5, (tag: string) => calls.push(clock.seconds()), "x");
    service.startService();
    clock.pump([5, 5, 5]);
    successResultOf(service.stopService());
    clock.advance(50);
    assert.deepEqual(calls, [0, 5, 10, 15]);
    assert.equal(service.running, false);
  });

  it("waits for a call in progress before its stop fires", () => {
    const clock = new Clock();
    const pending = new Deferred<null>();
    const service = new TimerService(clock, 1, () => pending);
    service.startService();
    const stopped = service.stopService();
    assert.equal(stopped.called, false);
    pending.callback(null);
    successResultOf(stopped);
  });

  it("logs a failing call at critical and stops calling", () => {
    const clock = new Clock();
    const buffer = new BufferingObserver();
    globalLogPublisher.addObserver(buffer.observer);
    try {
      let calls = 0;
      const service = new TimerService(clock, 1, () => {
        calls++;
        throw new Error("tick failed");
      });
      service.startService();
      clock.pump([1, 1]);
      assert.equal(calls, 1);
      assert.equal(buffer.events[0]?.level, "critical");
      assert.equal(buffer.events[0]?.failure?.getErrorMessage(), "tick failed");
      successResultOf(service.stopService());
    } finally {
      globalLogPublisher.removeObserver(buffer.observer);
    }
  });

  it("rejects a negative step", () => {
    assert.throws(() => new TimerService(new Clock(), -1, () => {}), RangeError);
  });
});
