import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { Failure } from "@torsion/defer";
import { Command, RemoteAmpError, UnknownRemoteError } from "@torsion/amp";
import { massageError } from "@torsion/amp/internal";

class BadInput extends Error {}
const Cmd = Command.define({ commandName: "Cmd", errors: { BAD: BadInput } });

describe("massageError (Twisted's _massageError)", () => {
  it("rebuilds a declared code as its class, any other code as UnknownRemoteError, and passes other failures through", () => {
    const declared = massageError(Cmd, new Failure(new RemoteAmpError("BAD", "no")));
    assert.ok(declared.value instanceof BadInput);
    assert.equal(declared.value.message, "no");
    const unknown = massageError(Cmd, new Failure(new RemoteAmpError("WHAT", "??")));
    assert.ok(unknown.value instanceof UnknownRemoteError);
    assert.equal(unknown.value.remoteErrorCode, "WHAT");
    const other = new Failure(new RangeError("x"));
    assert.equal(massageError(Cmd, other), other);
  });
});
