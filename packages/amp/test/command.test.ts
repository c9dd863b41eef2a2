import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import {
  AmpBox,
  Command,
  Integer,
  InvalidCommandError,
  InvalidSignature,
  MissingKeyError,
  ProtocolSwitchCommand,
  Unicode,
} from "@torsion/amp";

class BadInput extends Error {}
class SubBad extends BadInput {}
class Fatal extends Error {}

const Cmd = Command.define({
  commandName: "Cmd",
  arguments: { a: Integer(), note: Unicode({ optional: true }) },
  response: { total: Integer() },
  errors: { BAD: BadInput },
  fatalErrors: { FATAL: Fatal },
});

describe("Command", () => {
  it("finds declared errors by instanceof, subclasses included, errors before fatal ones", () => {
    assert.deepEqual(Cmd.declaredError(new SubBad("x")), { errorCode: "BAD", fatal: false });
    assert.deepEqual(Cmd.declaredError(new Fatal("x")), { errorCode: "FATAL", fatal: true });
    assert.equal(Cmd.declaredError(new Error("x")), null);
    assert.equal(Cmd.errorClassFor("FATAL"), Fatal);
  });

  it("reports missing arguments and throws on unknown ones", () => {
    assert.deepEqual(Cmd.checkSignature({}), ["a"]);
    assert.deepEqual(Cmd.checkSignature({ a: 1, note: null }), []);
    assert.throws(() => Cmd.checkSignature({ a: 1, b: 2 }), InvalidSignature);
  });

  it("leaves missing optional arguments out, decodes them as null and ignores extra keys", () => {
    const box = Cmd.makeArguments({ a: 5 });
    assert.deepEqual([...box.keys()], ["a"]);
    box.set("extra", Buffer.from("1"));
    assert.deepEqual(Cmd.parseArguments(box), { a: 5, note: null });
    assert.throws(() => Cmd.parseResponse(new AmpBox()), MissingKeyError);
  });

  it("refuses invalid definitions", () => {
    assert.throws(() => Command.define({ commandName: "" }), InvalidCommandError);
    assert.throws(() => Command.define({ commandName: "S\u00fcm" }), InvalidCommandError);
    assert.throws(() => Command.define({ commandName: "X", errors: { A: BadInput }, fatalErrors: { A: Fatal } }), InvalidCommandError);
    assert.throws(() => ProtocolSwitchCommand.define({ commandName: "X", requiresAnswer: false }), InvalidCommandError);
  });
});
