import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TorsionError } from "@torsion/defer";
import { DeferredResultError, NoListeningPortError, NoPendingConnectionError, ProducerStateError, PumpLimitError } from "@torsion/testing";

describe("the testing kit's errors", () => {
  const cases: [new (message?: string, options?: ErrorOptions) => TorsionError, string, string][] = [
    [ProducerStateError, "ProducerStateError", "ERR_PRODUCER_STATE"],
    [DeferredResultError, "DeferredResultError", "ERR_DEFERRED_RESULT"],
    [PumpLimitError, "PumpLimitError", "ERR_PUMP_LIMIT"],
    [NoPendingConnectionError, "NoPendingConnectionError", "ERR_NO_PENDING_CONNECTION"],
    [NoListeningPortError, "NoListeningPortError", "ERR_NO_LISTENING_PORT"],
  ];
  for (const [Class, name, code] of cases) {
    it(`makes ${name} a TorsionError with code ${code} and a cause`, () => {
      const cause = new Error("root");
      const error = new Class("message", { cause });
      assert.ok(error instanceof TorsionError);
      assert.equal(error.name, name);
      assert.equal(error.code, code);
      assert.equal(error.cause, cause);
    });
  }
});
