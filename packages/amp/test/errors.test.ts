import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { DecodeError } from "@torsion/core";
import { TorsionError } from "@torsion/defer";
import * as amp from "@torsion/amp";

describe("the AMP errors", () => {
  it("are typed errors with a name, a stable ERR_AMP code and Twisted's names where Twisted has them", () => {
    const errors = [
      new amp.TooLong(true, false),
      new amp.BoxTooLargeError(),
      new amp.InvalidKeyError(),
      new amp.AmpProtocolError("noEmptyBoxes", "x"),
      new amp.InvalidSignature(),
      new amp.MissingKeyError("k"),
      new amp.BadValueError("Integer", "x"),
      new amp.BadLocalValueError("Float", "x"),
      new amp.RemoteAmpError("CODE", "d"),
      new amp.UnknownRemoteError("d", "WHAT"),
      new amp.UnhandledCommand("UNHANDLED", "d"),
      new amp.BadLocalReturn(),
      new amp.ProtocolSwitched(),
      new amp.OnlyOneTLS(),
      new amp.TLSUnsupportedError(),
      new amp.PeerVerifyError(),
      new amp.ArgumentUnsupportedError(),
      new amp.InvalidCommandError(),
    ];
    for (const error of errors) {
      assert.ok(error instanceof TorsionError);
      assert.match(error.code, /^ERR_AMP/);
      assert.equal(error.name, error.constructor.name);
    }
    assert.ok(new amp.TooLong(true, false) instanceof DecodeError);
    assert.equal(new amp.UnknownRemoteError("d", "WHAT").errorCode, "UNKNOWN");
    assert.equal(new amp.UnknownRemoteError("d", "WHAT").remoteErrorCode, "WHAT");
  });
});
