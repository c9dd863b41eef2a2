import { describe, it } from "node:test";
import assert from "node:assert/strict";
import createDebug from "debug";
import { reportError } from "@torsion/defer";
import { BufferingObserver, LogPublisher, captureDebug, captureErrorReporter } from "@torsion/logger";

describe("captureErrorReporter", () => {
  it("turns reported errors into error events with the failure and context, until restored", () => {
    const publisher = new LogPublisher();
    const buffer = new BufferingObserver();
    publisher.addObserver(buffer.observer);
    const restore = captureErrorReporter(publisher);
    try {
      reportError(new Error("callback blew up"), "Unhandled error in dataReceived");
    } finally {
      restore();
    }
    const [only] = buffer.events;
    assert.equal(buffer.events.length, 1);
    assert.equal(only?.level, "error");
    assert.equal(only?.namespace, "torsion.errors");
    assert.equal(only?.fields.context, "Unhandled error in dataReceived");
    assert.equal(only?.failure?.getErrorMessage(), "callback blew up");
  });
});

describe("captureDebug", () => {
  it("routes matching debug namespaces into debug events and restores debug afterwards", () => {
    const publisher = new LogPublisher();
    const buffer = new BufferingObserver();
    publisher.addObserver(buffer.observer);
    const traced = createDebug("torsion:test:capture");
    const other = createDebug("elsewhere:test");
    const restore = captureDebug("torsion:*", publisher);
    try {
      traced("accepted %s on %d", "127.0.0.1", 8000);
      other("not captured");
    } finally {
      restore();
    }
    traced("after restore");
    assert.deepEqual(
      buffer.events.map((e) => [e.level, e.namespace, e.fields.message]),
      [["debug", "torsion:test:capture", "accepted 127.0.0.1 on 8000"]],
    );
    assert.equal(traced.enabled, false);
  });
});
