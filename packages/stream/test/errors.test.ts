import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TorsionError } from "@torsion/defer";
import { AlreadyListeningError, ConnectorBusyError, ProducerAlreadyRegisteredError } from "@torsion/stream";

describe("tcp errors", () => {
  it("have stable names and codes, extend TorsionError and carry a cause", () => {
    const cause = new Error("root");
    const cases: [TorsionError, string, string][] = [
      [new ProducerAlreadyRegisteredError(undefined, { cause }), "ProducerAlreadyRegisteredError", "ERR_PRODUCER_ALREADY_REGISTERED"],
      [new ConnectorBusyError(undefined, { cause }), "ConnectorBusyError", "ERR_CONNECTOR_BUSY"],
      [new AlreadyListeningError(undefined, { cause }), "AlreadyListeningError", "ERR_ALREADY_LISTENING"],
    ];
    for (const [error, name, code] of cases) {
      assert.ok(error instanceof TorsionError);
      assert.equal(error.name, name);
      assert.equal(error.code, code);
      assert.equal(error.cause, cause);
      assert.ok(error.message.length > 0);
    }
  });
});
