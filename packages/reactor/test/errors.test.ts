import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TorsionError } from "@torsion/defer";
import { InvalidEventPhaseError, ShutdownTimeoutError, UnknownTriggerError } from "@torsion/reactor";

describe("reactor errors", () => {
  const cases = [
    { Class: UnknownTriggerError, name: "UnknownTriggerError", code: "ERR_UNKNOWN_SYSTEM_EVENT_TRIGGER" },
    { Class: InvalidEventPhaseError, name: "InvalidEventPhaseError", code: "ERR_INVALID_EVENT_PHASE" },
    { Class: ShutdownTimeoutError, name: "ShutdownTimeoutError", code: "ERR_SHUTDOWN_TIMEOUT" },
  ] as const;
  for (const { Class, name, code } of cases) {
    it(`gives ${name} its name, a stable code, the message and the cause`, () => {
      const cause = new Error("underlying");
      const error = new Class("what happened", { cause });
      assert.ok(error instanceof TorsionError);
      assert.equal(error.name, name);
      assert.equal(error.code, code);
      assert.equal(error.message, "what happened");
      assert.equal(error.cause, cause);
      assert.match(String(error), new RegExp(`^${name}: what happened`));
    });
  }
});
