import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CannotListenError, IPv4Address, InvalidAddressError } from "@torsion/core";
import { Failure } from "@torsion/defer";
import { NodeReactor } from "@torsion/reactor";
import { listenMulticast, listenUDP } from "@torsion/udp";
import { RecordingProtocol, closeRaw, rawSocket, until, within } from "./helpers.js";
import { FakeTransportHost } from "@torsion/testing";

describe("listenUDP", () => {
  it("returns a bound port whose protocol has started, registered with the host", async (t) => {
    const host = new FakeTransportHost();
    const protocol = new RecordingProtocol();
    const port = listenUDP(host, 0, protocol, { interface: "127.0.0.1" });
    t.after(() => within(port.stopListening(), 2000, "stop"));
    assert.deepEqual(protocol.events, ["start"]);
    assert.equal(protocol.transport, port);
    assert.equal(host.resources.size, 1);
    assert.ok(port.getHost().port > 0);
  });

  it("binds every IPv4 address by default and defaults maxPacketSize to 8192", async (t) => {
    const port = listenUDP(new FakeTransportHost(), 0, new RecordingProtocol());
    t.after(() => within(port.stopListening(), 2000, "stop"));
    assert.ok(port.getHost().equals(new IPv4Address("UDP", "0.0.0.0", port.getHost().port)));
    assert.doesNotThrow(() => port.write(Buffer.alloc(8192), ["127.0.0.1", port.getHost().port]));
    assert.throws(() => port.write(Buffer.alloc(8193), ["127.0.0.1", port.getHost().port]), /maxPacketSize 8192/);
  });

  it("throws CannotListenError synchronously when the port is taken, without starting the protocol", async (t) => {
    const taken = await rawSocket("udp4");
    t.after(() => closeRaw(taken));
    const host = new FakeTransportHost();
    const protocol = new RecordingProtocol();
    const error = captureThrow(() => listenUDP(host, taken.address().port, protocol, { interface: "127.0.0.1" }));
    assert.ok(error instanceof CannotListenError);
    assert.equal(error.port, taken.address().port);
    assert.equal((error.cause as NodeJS.ErrnoException).code, "EADDRINUSE");
    assert.deepEqual(protocol.events, []);
    assert.equal(host.resources.size, 0);
  });

  it("throws CannotListenError for an interface that is not an IP address", () => {
    const error = captureThrow(() => listenMulticast(new FakeTransportHost(), 0, new RecordingProtocol(), { interface: "localhost" }));
    assert.ok(error instanceof CannotListenError);
    assert.ok(error.cause instanceof InvalidAddressError);
  });

  it("throws RangeError for a port number out of range", () => {
    assert.throws(() => listenUDP(new FakeTransportHost(), 70000, new RecordingProtocol()), RangeError);
  });
});

describe("UDP ports under a NodeReactor", () => {
  it("echo through reactor.listenUDP and are closed by reactor.stop()", async (t) => {
    const errors: unknown[] = [];
    const reactor = new NodeReactor({ installSignalHandlers: false, errorReporter: (error) => errors.push(error) });
    const server = new RecordingProtocol();
    server.onDatagram = (data, addr) => server.transport?.write(data, addr as IPv4Address);
    const client = new RecordingProtocol();
    const running = reactor.run();
    t.after(async () => {
      if (reactor.running) reactor.stop();
      await within(running, 3000, "the reactor to stop");
    });
    const serverPort = reactor.listenUDP(0, server, { interface: "127.0.0.1" });
    const clientPort = reactor.listenUDP(0, client, { interface: "127.0.0.1" });
    clientPort.write(Buffer.from("through the reactor"), serverPort.getHost());
    await until(() => client.datagrams.length === 1, 2000, "the echo");
    reactor.stop();
    await within(running, 3000, "reactor.stop()");
    assert.deepEqual(server.events, ["start", "stop"]);
    assert.deepEqual(client.events, ["start", "stop"]);
    assert.equal(serverPort.stopListening().peek().state, "succeeded", "the port is already closed");
    assert.deepEqual(errors, []);
  });

  it("report datagramReceived exceptions through the reactor's error reporter", async (t) => {
    const errors: { error: unknown; context: string }[] = [];
    const reactor = new NodeReactor({ installSignalHandlers: false, errorReporter: (error, context) => errors.push({ error, context }) });
    const protocol = new RecordingProtocol();
    protocol.onDatagram = () => {
      throw new Error("handler failed");
    };
    const port = reactor.listenUDP(0, protocol, { interface: "127.0.0.1" });
    t.after(() => within(port.stopListening(), 2000, "stop"));
    port.write(Buffer.from("a"), port.getHost());
    port.write(Buffer.from("b"), port.getHost());
    await until(() => errors.length === 2, 2000, "two reported errors");
    const reported = errors[0]?.error;
    assert.ok(reported instanceof Failure);
    assert.equal(reported.value.message, "handler failed");
    assert.equal(errors[0]?.context, "datagramReceived");
    assert.equal(protocol.datagrams.length, 2);
  });
});

function captureThrow(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  assert.fail("expected a synchronous throw");
}
