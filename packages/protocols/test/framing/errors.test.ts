import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TorsionError } from "@torsion/defer";
import {
  InvalidFramingOptionError,
  NetstringParseError,
  NetstringParseReason,
  StringTooLongError,
  TransferInProgressError,
  TransferStoppedError,
  UnknownStateError,
} from "@torsion/protocols";

describe("framing errors", () => {
  it("each has its class name, a stable code and the cause it was given", () => {
    const cause = new Error("root");
    const cases: [TorsionError, string, string][] = [
      [new StringTooLongError(300, 255, { cause }), "StringTooLongError", "ERR_STRING_TOO_LONG"],
      [new NetstringParseError(NetstringParseReason.missingComma, "m", { cause }), "NetstringParseError", "ERR_NETSTRING_PARSE"],
      [new InvalidFramingOptionError("m", { cause }), "InvalidFramingOptionError", "ERR_INVALID_FRAMING_OPTION"],
      [new TransferStoppedError(undefined, { cause }), "TransferStoppedError", "ERR_TRANSFER_STOPPED"],
      [new TransferInProgressError(undefined, { cause }), "TransferInProgressError", "ERR_TRANSFER_IN_PROGRESS"],
      [new UnknownStateError("s", "m", { cause }), "UnknownStateError", "ERR_UNKNOWN_STATE"],
    ];
    for (const [error, name, code] of cases) {
      assert.ok(error instanceof TorsionError);
      assert.equal(error.name, name);
      assert.equal(error.code, code);
      assert.equal(error.cause, cause);
    }
  });

  it("StringTooLongError carries the refused and the largest lengths", () => {
    const error = new StringTooLongError(256, 255);
    assert.equal(error.length, 256);
    assert.equal(error.maxLength, 255);
    assert.match(error.message, /256/);
  });

  it("NetstringParseError and UnknownStateError carry their reason and state", () => {
    assert.equal(new NetstringParseError(NetstringParseReason.tooLong, "m").reason, "too-long");
    assert.equal(new UnknownStateError("login", "m").state, "login");
  });
});
