import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as reactorPackage from "@torsion/reactor";
import * as reactorInternal from "@torsion/reactor/internal";

describe("@torsion/reactor entry point", () => {
  it("exports the reactor, its errors and its constants, and the timer queue only from ./internal", () => {
    assert.deepEqual(Object.keys(reactorPackage).sort(), [
      "InvalidEventPhaseError",
      "NodeReactor",
      "SHUTDOWN_MARGIN_SECONDS",
      "SHUTDOWN_SIGNALS",
      "ShutdownTimeoutError",
      "UnknownTriggerError",
    ]);
    assert.deepEqual(Object.keys(reactorInternal).sort(), ["TimerQueue", "createNodeTimerDriver"]);
    assert.deepEqual([...reactorPackage.SHUTDOWN_SIGNALS], ["SIGINT", "SIGTERM"]);
    assert.equal(reactorPackage.SHUTDOWN_MARGIN_SECONDS, 1);
  });
});
