import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Failure } from "@torsion/defer";
import { BaseProtocol, ConnectionDone, Protocol, ProtocolLifecycleError } from "@torsion/core";
import { StringTransport } from "@torsion/testing";

class Recorder extends Protocol {
  readonly log: string[] = [];
  override connectionMade(): void {
    this.log.push(`made connected=${this.connected} transport=${this.transport !== null}`);
  }
  override dataReceived(data: Buffer): void {
    this.log.push(`data ${data.toString()}`);
  }
  override connectionLost(reason: Failure): void {
    this.log.push(`lost ${reason.value.name} connected=${this.connected}`);
  }
}

const done = (): Failure => new Failure(new ConnectionDone());

describe("BaseProtocol", () => {
  it("sets connected and transport in makeConnection before calling connectionMade", () => {
    const seen: Array<[boolean, unknown]> = [];
    const transport = new StringTransport();
    const protocol = new (class extends BaseProtocol {
      override connectionMade(): void {
        seen.push([this.connected, this.transport]);
      }
    })();
    assert.equal(protocol.connected, false);
    assert.equal(protocol.transport, null);
    protocol.makeConnection(transport);
    assert.deepEqual(seen, [[true, transport]]);
  });
});

describe("Protocol", () => {
  it("runs connectionMade, dataReceived and connectionLost in order with the right state", () => {
    const protocol = new Recorder();
    protocol.makeConnection(new StringTransport());
    protocol.dataReceived(Buffer.from("hi"));
    protocol.connectionLost(done());
    assert.deepEqual(protocol.log, ["made connected=true transport=true", "data hi", "lost ConnectionDone connected=false"]);
    assert.equal(protocol.connected, false);
  });

  it("lets a subclass write to its transport from dataReceived", () => {
    class Echo extends Protocol {
      override dataReceived(data: Buffer): void {
        this.transport?.write(data);
      }
    }
    const transport = new StringTransport();
    const echo = new Echo();
    echo.makeConnection(transport);
    echo.dataReceived(Buffer.from("abc"));
    assert.equal(transport.value().toString(), "abc");
  });

  it("discards data by default without throwing", () => {
    const protocol = new Protocol();
    protocol.makeConnection(new StringTransport());
    protocol.dataReceived(Buffer.from("ignored"));
    protocol.connectionLost(done());
    assert.equal(protocol.connected, false);
  });

  it("throws ProtocolLifecycleError for dataReceived before makeConnection", () => {
    const protocol = new Recorder();
    assert.throws(() => protocol.dataReceived(Buffer.from("x")), (e: unknown) =>
      e instanceof ProtocolLifecycleError && /before makeConnection/.test(e.message));
    assert.deepEqual(protocol.log, []);
  });

  it("throws ProtocolLifecycleError for dataReceived after connectionLost", () => {
    const protocol = new Recorder();
    protocol.makeConnection(new StringTransport());
    protocol.connectionLost(done());
    assert.throws(() => protocol.dataReceived(Buffer.from("x")), (e: unknown) =>
      e instanceof ProtocolLifecycleError && /after connectionLost/.test(e.message));
    assert.equal(protocol.log.filter((l) => l.startsWith("data")).length, 0);
  });

  it("throws ProtocolLifecycleError for a second makeConnection and keeps the first transport", () => {
    const protocol = new Recorder();
    const first = new StringTransport();
    protocol.makeConnection(first);
    assert.throws(() => protocol.makeConnection(new StringTransport()), ProtocolLifecycleError);
    assert.equal(protocol.transport, first);
    assert.equal(protocol.log.length, 1);
  });

  it("throws ProtocolLifecycleError for connectionLost before makeConnection", () => {
    const protocol = new Recorder();
    assert.throws(() => protocol.connectionLost(done()), (e: unknown) =>
      e instanceof ProtocolLifecycleError && /before makeConnection/.test(e.message));
  });

  it("throws ProtocolLifecycleError for a second connectionLost and runs the override once", () => {
    const protocol = new Recorder();
    protocol.makeConnection(new StringTransport());
    protocol.connectionLost(done());
    assert.throws(() => protocol.connectionLost(done()), (e: unknown) =>
      e instanceof ProtocolLifecycleError && /twice/.test(e.message));
    assert.equal(protocol.log.filter((l) => l.startsWith("lost")).length, 1);
  });

  it("refuses makeConnection after connectionLost", () => {
    const protocol = new Recorder();
    protocol.makeConnection(new StringTransport());
    protocol.connectionLost(done());
    assert.throws(() => protocol.makeConnection(new StringTransport()), ProtocolLifecycleError);
  });

  it("starts with no factory and names itself in logPrefix", () => {
    const protocol = new Recorder();
    assert.equal(protocol.factory, null);
    assert.equal(protocol.logPrefix(), "Recorder");
  });
});
