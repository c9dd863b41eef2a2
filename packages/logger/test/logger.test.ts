import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Failure } from "@torsion/defer";
import { BufferingObserver, LogPublisher, Logger } from "@torsion/logger";

function setup(): { log: Logger; buffer: BufferingObserver } {
  const publisher = new LogPublisher();
  const buffer = new BufferingObserver();
  publisher.addObserver(buffer.observer);
  return { log: new Logger({ namespace: "app.cache", publisher, now: () => 42 }), buffer };
}

describe("Logger", () => {
  it("emits plain events with time, level, namespace, format and fields", () => {
    const { log, buffer } = setup();
    log.info("hit {key}", { key: "k1" });
    assert.deepEqual(buffer.events, [{ time: 42, level: "info", namespace: "app.cache", format: "hit {key}", fields: { key: "k1" } }]);
  });

  it("has one method per level", () => {
    const { log, buffer } = setup();
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    log.critical("c");
    assert.deepEqual(
      buffer.events.map((e) => e.level),
      ["debug", "info", "warn", "error", "critical"],
    );
  });

  it("attaches any thrown value to failure events, at critical by default", () => {
    const { log, buffer } = setup();
    log.failure("lost {what}", "a string", { what: "connection" });
    log.failure("again", new Failure(new Error("x")), {}, "warn");
    const [first, second] = buffer.events;
    assert.equal(first?.level, "critical");
    assert.ok(first?.failure instanceof Failure);
    assert.equal(second?.level, "warn");
    assert.equal(second?.failure?.getErrorMessage(), "x");
  });

  it("uses the wall clock in seconds by default", () => {
    const publisher = new LogPublisher();
    const buffer = new BufferingObserver();
    publisher.addObserver(buffer.observer);
    const before = Date.now() / 1000;
    new Logger({ namespace: "n", publisher }).info("now");
    const time = buffer.events[0]?.time ?? 0;
    assert.ok(time >= before && time <= Date.now() / 1000);
  });
});
