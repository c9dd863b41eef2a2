import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { IPv4Address, IPv6Address, InvalidAddressError, MessageLengthError, NotListeningError } from "@torsion/core";
import type { IUDPTransport } from "@torsion/core";
import { AlreadyConnectedError, AlreadyListeningError, DatagramSocketError, UDPPort } from "@torsion/udp";
import { RecordingProtocol, closeRaw, ioTurns, rawSocket, unusedPort, until, within } from "./helpers.js";
import { FakeTransportHost } from "@torsion/testing";

interface TestContext {
  after(fn: () => unknown): void;
}

/** Starts a UDPPort and stops it when the test ends. */
function open(
  t: TestContext,
  host: FakeTransportHost,
  protocol: RecordingProtocol,
  iface = "127.0.0.1",
  options: { maxPacketSize?: number } = {},
): UDPPort {
  const port = new UDPPort(host, 0, protocol, { interface: iface, ...options });
  port.startListening();
  t.after(() => within(port.stopListening(), 2000, "stopListening"));
  return port;
}

function echoing(protocol: RecordingProtocol): RecordingProtocol {
  protocol.onDatagram = (data, addr) => protocol.transport?.write(data, addr as IPv4Address | IPv6Address);
  return protocol;
}

for (const [label, iface, AddressClass] of [
  ["IPv4", "127.0.0.1", IPv4Address],
  ["IPv6", "::1", IPv6Address],
] as const) {
  describe(`a UDP port on ${label} loopback`, () => {
    it("reports the real port after binding port 0, as a 'UDP' address", (t) => {
      const port = open(t, new FakeTransportHost(), new RecordingProtocol(), iface);
      const bound = port.getHost();
      assert.ok(bound instanceof AddressClass);
      assert.equal(bound.type, "UDP");
      assert.equal(bound.host, iface);
      assert.ok(bound.port > 0 && bound.port <= 65535);
      assert.equal(port.family, label === "IPv4" ? "udp4" : "udp6");
    });

    it("echoes datagrams both ways and tells each side the other's address", async (t) => {
      const host = new FakeTransportHost();
      const server = echoing(new RecordingProtocol());
      const client = new RecordingProtocol();
      const serverPort = open(t, host, server, iface);
      const clientPort = open(t, host, client, iface);
      for (let i = 0; i < 5; i++) clientPort.write(Buffer.from(`ping ${i}`), serverPort.getHost());
      await within(
        until(() => client.datagrams.length === 5, 2000, "5 echoes"),
        3000,
        "echo",
      );
      assert.deepEqual(
        client.datagrams.map((d) => d.data.toString()),
        ["ping 0", "ping 1", "ping 2", "ping 3", "ping 4"],
      );
      for (const { addr } of client.datagrams) assert.ok(addr.equals(serverPort.getHost()), `echo came from ${String(addr)}`);
      for (const { addr } of server.datagrams) assert.ok(addr.equals(clientPort.getHost()), `ping came from ${String(addr)}`);
      assert.ok(server.datagrams[0]?.addr instanceof AddressClass);
      assert.deepEqual(host.errors, []);
    });

    it("accepts Twisted's [host, port] pairs as destinations", async (t) => {
      const receiver = new RecordingProtocol();
      const receiverPort = open(t, new FakeTransportHost(), receiver, iface);
      const senderPort = open(t, new FakeTransportHost(), new RecordingProtocol(), iface);
      senderPort.write(Buffer.from("pair"), [iface, receiverPort.getHost().port]);
      await until(() => receiver.datagrams.length === 1, 2000, "the datagram");
      assert.equal(receiver.datagrams[0]?.data.toString(), "pair");
    });
  });
}

describe("UDPPort.write", () => {
  it("throws MessageLengthError for a datagram over maxPacketSize and sends nothing", async (t) => {
    const raw = await rawSocket("udp4");
    t.after(() => closeRaw(raw));
    const received: string[] = [];
    raw.on("message", (data) => received.push(data.toString()));
    const port = open(t, new FakeTransportHost(), new RecordingProtocol(), "127.0.0.1", { maxPacketSize: 16 });
    const target = ["127.0.0.1", raw.address().port] as const;
    assert.throws(() => port.write(Buffer.alloc(17, 0x41), target), MessageLengthError);
    port.write(Buffer.from("exactly 16 bytes"), target);
    await until(() => received.length >= 1, 2000, "the marker datagram");
    await ioTurns();
    assert.deepEqual(received, ["exactly 16 bytes"], "the oversize datagram must not have been sent");
  });

  it("throws TypeError for anything that is not bytes", (t) => {
    const port = open(t, new FakeTransportHost(), new RecordingProtocol());
    for (const bad of ["text", [1, 2, 3], null, 42, new ArrayBuffer(4)]) {
      assert.throws(() => port.write(bad as unknown as Uint8Array, ["127.0.0.1", 9]), TypeError);
    }
  });

  it("throws InvalidAddressError for host names, the wrong family and a missing address", (t) => {
    const v4 = open(t, new FakeTransportHost(), new RecordingProtocol());
    const v6 = open(t, new FakeTransportHost(), new RecordingProtocol(), "::1");
    const data = Buffer.from("x");
    assert.throws(() => v4.write(data), InvalidAddressError);
    assert.throws(() => v4.write(data, ["localhost", 9]), InvalidAddressError);
    assert.throws(() => v4.write(data, ["::1", 9]), InvalidAddressError);
    assert.throws(() => v6.write(data, ["127.0.0.1", 9]), InvalidAddressError);
    assert.throws(() => v4.write(data, { host: "127.0.0.1", port: 9 } as never), TypeError);
  });

  it("reports a send the kernel refuses (broadcast not allowed) and keeps serving", async (t) => {
    const host = new FakeTransportHost();
    const port = open(t, host, new RecordingProtocol());
    const raw = await rawSocket("udp4");
    t.after(() => closeRaw(raw));
    port.write(Buffer.from("b"), ["127.255.255.255", raw.address().port]);
    await until(() => host.errors.length === 1, 2000, "the reported send error");
    const reported = host.errors[0]?.error;
    assert.ok(reported instanceof DatagramSocketError);
    assert.equal((reported.cause as NodeJS.ErrnoException).code, "EACCES");
    const got: string[] = [];
    raw.on("message", (d) => got.push(d.toString()));
    port.write(Buffer.from("still here"), ["127.0.0.1", raw.address().port]);
    await until(() => got.length === 1, 2000, "a datagram after the error");
  });
});

describe("UDP broadcast", () => {
  it("is off by default and, once allowed, reaches a socket bound to the loopback broadcast address", async (t) => {
    const host = new FakeTransportHost();
    const receiver = new RecordingProtocol();
    const receiverPort = open(t, new FakeTransportHost(), receiver, "127.255.255.255");
    const port = open(t, host, new RecordingProtocol());
    assert.equal(port.getBroadcastAllowed(), false);
    port.setBroadcastAllowed(true);
    assert.equal(port.getBroadcastAllowed(), true);
    port.write(Buffer.from("to all"), ["127.255.255.255", receiverPort.getHost().port]);
    await until(() => receiver.datagrams.length === 1, 2000, "the broadcast datagram");
    assert.equal(receiver.datagrams[0]?.data.toString(), "to all");
    assert.deepEqual(host.errors, []);
  });
});

describe("connected mode", () => {
  it("writes without an address and delivers only the peer's datagrams", async (t) => {
    const server = echoing(new RecordingProtocol());
    const serverPort = open(t, new FakeTransportHost(), server);
    const client = new RecordingProtocol();
    const clientPort: IUDPTransport = open(t, new FakeTransportHost(), client);
    const stranger = await rawSocket("udp4");
    t.after(() => closeRaw(stranger));
    // Queued in the kernel before connect(), so only the port's own filter can drop it.
    stranger.send(Buffer.from("from a stranger, before connect"), clientPort.getHost().port, "127.0.0.1");
    clientPort.connect("127.0.0.1", serverPort.getHost().port);
    stranger.send(Buffer.from("from a stranger, after connect"), clientPort.getHost().port, "127.0.0.1");
    clientPort.write(Buffer.from("hello peer"));
    await until(() => client.datagrams.length >= 1, 2000, "the echo");
    await ioTurns();
    assert.deepEqual(
      client.datagrams.map((d) => d.data.toString()),
      ["hello peer"],
    );
    clientPort.write(Buffer.from("again"), ["127.0.0.1", serverPort.getHost().port]);
    assert.throws(() => clientPort.write(Buffer.from("x"), ["127.0.0.1", 9]), InvalidAddressError);
    assert.throws(() => clientPort.connect("127.0.0.1", 9), AlreadyConnectedError);
    await until(() => client.datagrams.length === 2, 2000, "the second echo");
  });

  for (const [family, loopback] of [
    ["udp4", "127.0.0.1"],
    ["udp6", "::1"],
  ] as const) {
    it(`calls connectionRefused when nothing listens on the peer's port (${loopback})`, async (t) => {
      const free = await unusedPort(family);
      const host = new FakeTransportHost();
      const protocol = new RecordingProtocol();
      const port = open(t, host, protocol, loopback);
      port.connect(loopback, free);
      for (let i = 0; i < 3 && protocol.refusals === 0; i++) {
        port.write(Buffer.from("anyone?"));
        await ioTurns();
      }
      await until(() => protocol.refusals >= 1, 2000, "connectionRefused");
      assert.deepEqual(host.errors, []);
      assert.equal(port.state, "listening", "a refusal does not close the port");
    });
  }

  it("refuses host names and stopped ports", async (t) => {
    const port = open(t, new FakeTransportHost(), new RecordingProtocol());
    assert.throws(() => port.connect("localhost", 9), InvalidAddressError);
    await within(port.stopListening(), 2000, "stop");
    assert.throws(() => port.connect("127.0.0.1", 9), NotListeningError);
  });
});

describe("datagramReceived errors", () => {
  it("are reported to the host and the port keeps delivering", async (t) => {
    const host = new FakeTransportHost();
    const protocol = new RecordingProtocol();
    protocol.onDatagram = (data) => {
      if (data.toString() === "boom") throw new Error("protocol bug");
    };
    const port = open(t, host, protocol);
    const raw = await rawSocket("udp4");
    t.after(() => closeRaw(raw));
    raw.send(Buffer.from("boom"), port.getHost().port, "127.0.0.1");
    raw.send(Buffer.from("fine"), port.getHost().port, "127.0.0.1");
    await until(() => protocol.datagrams.length === 2, 2000, "both datagrams");
    assert.equal(host.errors.length, 1);
    assert.equal(host.errors[0]?.context, "datagramReceived");
    assert.equal((host.errors[0]?.error as Error).message, "protocol bug");
    assert.equal(protocol.datagrams[1]?.data.toString(), "fine");
  });
});

describe("a burst of datagrams", () => {
  it("delivers 2,000 numbered datagrams intact and in full (allowed loss: none, sending is paced)", async (t) => {
    const receiver = new RecordingProtocol();
    const receiverPort = open(t, new FakeTransportHost(), receiver);
    const senderPort = open(t, new FakeTransportHost(), new RecordingProtocol());
    const total = 2000;
    const window = 100; // at most 100 datagrams (~10 KiB) in flight: far below the socket buffer
    const target = receiverPort.getHost();
    const deadline = Date.now() + 10_000;
    for (let sent = 0; sent < total;) {
      while (sent < total && sent - receiver.datagrams.length < window) senderPort.write(numbered(sent++), target);
      await until(() => receiver.datagrams.length >= sent - window / 2 || Date.now() > deadline, 5000, "the receiver to catch up");
      if (Date.now() > deadline) break;
    }
    await until(() => receiver.datagrams.length === total, 5000, `all ${total} datagrams`);
    const seen = new Set<number>();
    for (const { data } of receiver.datagrams) {
      const n = data.readUInt32BE(0);
      assert.ok(data.equals(numbered(n)), `datagram ${n} is corrupted`);
      seen.add(n);
    }
    assert.equal(seen.size, total, "no datagram lost or duplicated");
  });
});

function numbered(n: number): Buffer {
  const data = Buffer.alloc(100);
  data.writeUInt32BE(n, 0);
  for (let i = 4; i < data.length; i++) data[i] = (n + i) & 0xff;
  return data;
}

describe("the port's lifecycle", () => {
  it("counts ports: one protocol on two ports starts once and stops after the last port", async (t) => {
    const host = new FakeTransportHost();
    const protocol = new RecordingProtocol();
    const first = open(t, host, protocol);
    const second = open(t, host, protocol);
    assert.deepEqual(protocol.events, ["start"]);
    assert.equal(protocol.numPorts, 2);
    await within(first.stopListening(), 2000, "first stop");
    assert.deepEqual(protocol.events, ["start"]);
    assert.equal(protocol.transport, second, "the remaining port stays the transport");
    await within(second.stopListening(), 2000, "second stop");
    assert.deepEqual(protocol.events, ["start", "stop"]);
    assert.equal(protocol.numPorts, 0);
  });

  it("fires stopListening's Deferred after the protocol stopped, and ignores writes afterwards", async (t) => {
    const host = new FakeTransportHost();
    const protocol = new RecordingProtocol();
    const port = open(t, host, protocol);
    assert.equal(host.resources.size, 1);
    const first = port.stopListening();
    const second = port.stopListening();
    assert.equal(first.peek().state, "pending");
    port.write(Buffer.from("late"), ["127.0.0.1", 9]);
    await within(first, 2000, "first stop Deferred");
    await within(second, 2000, "second stop Deferred");
    assert.deepEqual(protocol.events, ["start", "stop"]);
    assert.equal(port.state, "idle");
    assert.equal(host.resources.size, 0, "the host registration is dropped");
    assert.equal(port.stopListening().peek().state, "succeeded");
    port.write(Buffer.from("ignored"), ["127.0.0.1", 9]);
    assert.deepEqual(host.errors, []);
  });

  it("can listen again after stopping, on a new socket", async (t) => {
    const protocol = new RecordingProtocol();
    const port = open(t, new FakeTransportHost(), protocol);
    await within(port.stopListening(), 2000, "stop");
    port.startListening();
    assert.equal(port.state, "listening");
    assert.deepEqual(protocol.events, ["start", "stop", "start"]);
    assert.throws(() => port.startListening(), AlreadyListeningError);
  });

  it("closes when the host shuts its resources down (what reactor.stop() does)", async (t) => {
    const host = new FakeTransportHost();
    const protocol = new RecordingProtocol();
    const port = open(t, host, protocol);
    await within(host.shutdownAll(), 2000, "shutdown");
    assert.equal(port.state, "idle");
    assert.deepEqual(protocol.events, ["start", "stop"]);
  });

  it("reports an exception from startProtocol and keeps listening", (t) => {
    const host = new FakeTransportHost();
    const protocol = new RecordingProtocol();
    protocol.startProtocol = () => {
      throw new Error("bad start");
    };
    const port = open(t, host, protocol);
    assert.equal(port.state, "listening");
    assert.equal(host.errors[0]?.context, "startProtocol");
  });
});
