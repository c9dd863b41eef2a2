import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { StringTransport } from "@torsion/testing";
import { isDisconnecting } from "@torsion/protocols";

describe("isDisconnecting", () => {
  it("is false without a transport and true once the transport is closing", () => {
    assert.equal(isDisconnecting(null), false);
    const transport = new StringTransport();
    assert.equal(isDisconnecting(transport), false);
    transport.loseConnection();
    assert.equal(isDisconnecting(transport), true);
  });

  it("treats a transport without a disconnecting property as open", () => {
    const transport = new StringTransport();
    const bare = Object.create(transport) as StringTransport;
    Object.defineProperty(bare, "disconnecting", { value: undefined });
    assert.equal(isDisconnecting(bare), false);
  });
});
