import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as reactorPackage from "@torsion/reactor";

describe("@torsion/reactor entry point", () => {
  it("exports the reactor, its scheduler, its errors and its constants", () => {
    assert.deepEqual(Object.keys(reactorPackage).sort(), [
      "InvalidEventPhaseError",
      "NodeReactor",
      "SHUTDOWN_MARGIN_SECONDS",
      "SHUTDOWN_SIGNALS",
      "ShutdownTimeoutError",
      "TimerQueue",
      "UnknownTriggerError",
      "createNodeTimerDriver",
    ]);
    assert.deepEqual([...reactorPackage.SHUTDOWN_SIGNALS], ["SIGINT", "SIGTERM"]);
    assert.equal(reactorPackage.SHUTDOWN_MARGIN_SECONDS, 1);
  });
});
