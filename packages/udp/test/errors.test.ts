import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TorsionError } from "@torsion/defer";
import { AlreadyConnectedError, AlreadyListeningError, DatagramSocketError } from "@torsion/udp";

describe("udp errors", () => {
  it("DatagramSocketError carries a stable code and the Node error as cause", () => {
    const cause = Object.assign(new Error("send EACCES"), { code: "EACCES" });
    const error = new DatagramSocketError("UDP send failed", { cause });
    assert.ok(error instanceof TorsionError);
    assert.equal(error.name, "DatagramSocketError");
    assert.equal(error.code, "ERR_DATAGRAM_SOCKET");
    assert.equal(error.cause, cause);
  });

  it("AlreadyConnectedError explains that reconnecting is not supported", () => {
    const error = new AlreadyConnectedError();
    assert.ok(error instanceof TorsionError);
    assert.equal(error.name, "AlreadyConnectedError");
    assert.equal(error.code, "ERR_UDP_ALREADY_CONNECTED");
    assert.match(error.message, /already connected/);
  });

  it("AlreadyListeningError has a stable code", () => {
    const error = new AlreadyListeningError();
    assert.ok(error instanceof TorsionError);
    assert.equal(error.name, "AlreadyListeningError");
    assert.equal(error.code, "ERR_UDP_ALREADY_LISTENING");
  });
});
