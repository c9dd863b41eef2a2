import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as framing from "@torsion/protocols";

describe("framing index", () => {
  it("exports every framing protocol, decoder, error and helper from @torsion/protocols", () => {
    const names = [
      "LineReceiver",
      "LineOnlyReceiver",
      "NetstringReceiver",
      "IntNStringReceiver",
      "Int8StringReceiver",
      "Int16StringReceiver",
      "Int32StringReceiver",
      "StatefulStringProtocol",
      "dispatchStatefulString",
      "FileSender",
      "bufferFileSource",
      "fdFileSource",
      "LineDecoder",
      "NetstringDecoder",
      "IntPrefixDecoder",
      "ChunkQueue",
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
});
