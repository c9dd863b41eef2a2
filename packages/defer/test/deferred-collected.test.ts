// A failure left on a Deferred that stays paused is reported when the Deferred is
// garbage-collected. Runs a child program with --expose-gc.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UNHANDLED_CONTEXT } from "@torsion/defer";
import { runProgram } from "./helpers.js";

describe("Deferred failures held while paused", () => {
  it("are reported once each when their Deferreds are collected, and only those nobody handled", async () => {
    const outcome = await runProgram("collected-failures", ["--expose-gc"]);
    assert.deepEqual(outcome, {
      beforeCollection: [`${UNHANDLED_CONTEXT} | unpaused, unhandled`],
      afterCollection: [`${UNHANDLED_CONTEXT} | paused before firing`, `${UNHANDLED_CONTEXT} | paused by its callback`],
      keptStillPaused: 1,
    });
  });
});
