import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConnectionDone } from "@torsion/core";
import { Failure } from "@torsion/defer";
import { ConnectionCompleter, MemoryReactor, failureResultOf, successResultOf } from "@torsion/testing";
import { TCP4ClientEndpoint } from "@torsion/endpoints";
import { KeepingFactory, Recorder } from "./helpers.js";

// The wrapping factory and protocol are internal: they are seen through a client endpoint.
interface Wrapper {
  wrappedProtocol: Recorder;
  dataReceived(data: Buffer): void;
  connectionLost(reason: Failure): void;
  handshakeCompleted?: () => void;
}

function connectOver<P extends Recorder>(protocol: new () => P) {
  const reactor = new MemoryReactor();
  const factory = new KeepingFactory(protocol);
  const d = new TCP4ClientEndpoint(reactor, "h", 1).connect(factory);
  return { reactor, factory, d, completer: new ConnectionCompleter(reactor) };
}

describe("the client endpoints' wrapping protocol", () => {
  it("passes data and the connection loss through to the user's protocol", () => {
    const { d, completer } = connectOver(Recorder);
    const wrapper = completer.succeedOnce() as unknown as Wrapper;
    const protocol = successResultOf(d);
    assert.equal(wrapper.wrappedProtocol, protocol);
    wrapper.dataReceived(Buffer.from("abc"));
    wrapper.connectionLost(new Failure(new ConnectionDone()));
    assert.equal(protocol.received.toString(), "abc");
    assert.deepEqual(protocol.events, ["connectionMade", "connectionLost"]);
    assert.ok(protocol.lost?.value instanceof ConnectionDone);
  });

  it("passes handshakeCompleted through only when the protocol has it", () => {
    class Listener extends Recorder {
      handshakeCompleted(): void {
        this.events.push("handshakeCompleted");
      }
    }
    const listening = connectOver(Listener);
    const wrapper = listening.completer.succeedOnce() as unknown as Wrapper;
    wrapper.handshakeCompleted?.();
    assert.deepEqual(successResultOf(listening.d).events, ["connectionMade", "handshakeCompleted"]);
    const plain = connectOver(Recorder).completer.succeedOnce() as unknown as Wrapper;
    assert.equal(plain.handshakeCompleted, undefined);
  });

  it("fails the Deferred with the error connectionMade threw, and lets it reach the transport", () => {
    const boom = new Error("connectionMade broke");
    class Broken extends Recorder {
      override connectionMade(): void {
        throw boom;
      }
    }
    const { d, completer } = connectOver(Broken);
    assert.throws(
      () => completer.succeedOnce(),
      (e: unknown) => e === boom,
    );
    assert.equal(failureResultOf(d).value, boom);
  });
});
