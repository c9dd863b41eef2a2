import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as framing from "@torsion/protocols";
import * as internal from "@torsion/protocols/internal";

describe("framing index", () => {
  it("exports every framing protocol, decoder and error from @torsion/protocols", () => {
    const names = [
      "LineReceiver",
      "LineOnlyReceiver",
      "NetstringReceiver",
      "IntNStringReceiver",
      "Int8StringReceiver",
      "Int16StringReceiver",
      "Int32StringReceiver",
      "StatefulStringProtocol",
      "FileSender",
      "bufferFileSource",
      "fdFileSource",
      "LineDecoder",
      "NetstringDecoder",
      "IntPrefixDecoder",
      "StringTooLongError",
      "NetstringParseError",
      "InvalidFramingOptionError",
      "TransferStoppedError",
      "TransferInProgressError",
      "UnknownStateError",
      "FramingDriver",
      "LineLengthRule",
    ];
    const exported = framing as unknown as Record<string, unknown>;
    for (const name of names) assert.notEqual(exported[name], undefined, name);
  });

  it("keeps the decoder building blocks out of the main entry, in @torsion/protocols/internal", () => {
    const exported = framing as unknown as Record<string, unknown>;
    for (const name of ["ChunkQueue", "view", "viewMaker", "asBuffer", "LineDecoderSlot", "dispatchStatefulString", "copyFrame"]) {
      assert.equal(exported[name], undefined, `${name} is not in the main entry`);
      assert.notEqual((internal as unknown as Record<string, unknown>)[name], undefined, `${name} is in ./internal`);
    }
  });
});
