import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import {
  CannotListenError,
  ConnectionDone,
  ConnectionLost,
  ConnectionRefusedError,
  DNSLookupError,
  IPv4Address,
  IPv6Address,
  TimeoutError,
  type ITCPTransport,
  type IPushProducer,
} from "@torsion/core";
import { type StreamPort } from "@torsion/stream";
import { fastAcceptSupported } from "@torsion/stream/internal";
import { connectTCP, listenTCP } from "@torsion/tcp";
import { Echo, OrderFactory, pattern, Recorder, RecordingFactory, waitFor } from "../../stream/dist-test/helpers.js";
import { FakeTransportHost } from "@torsion/testing";

const hosts: FakeTransportHost[] = [];
const ports: StreamPort[] = [];
function newHost(): FakeTransportHost {
  const host = new FakeTransportHost();
  hosts.push(host);
  return host;
}
after(async () => {
  for (const port of ports) await port.stopListening().asPromise();
  for (const host of hosts) host.dispose();
});

function portOf(port: StreamPort): number {
  return (port.getHost() as IPv4Address).port;
}

function listen<P extends Recorder | Echo>(
  host: FakeTransportHost,
  protocol: new () => P,
  options: Parameters<typeof listenTCP>[3] = {},
): { port: StreamPort; factory: RecordingFactory<P> } {
  const factory = new RecordingFactory(protocol);
  const port = listenTCP(host, 0, factory, { interface: "127.0.0.1", ...options });
  ports.push(port);
  return { port, factory };
}

for (const fastPath of [true, false]) {
  const mode = fastPath ? "onread fast path" : "'data' fallback path";

  describe(`TCP (${mode})`, () => {
    it("reports the fast-path choice on the port", () => {
      const host = newHost();
      const { port } = listen(host, Echo, { fastPath });
      assert.equal(port.fastPath, fastPath && fastAcceptSupported);
      assert.equal(port.acceptPath, fastPath && fastAcceptSupported ? "intercept" : "events");
      const { port: rewrapping } = listen(host, Echo, { fastPath, fastAccept: false });
      assert.equal(rewrapping.acceptPath, fastPath && fastAcceptSupported ? "rewrap" : "events");
    });

    for (const fastAccept of [true, false]) {
      it(`gives accepted connections their real peer and the bound local address (fastAccept ${String(fastAccept)})`, async () => {
        const host = newHost();
        const { port, factory: serverFactory } = listen(host, Echo, { fastPath, fastAccept });
        const factory = new OrderFactory(Recorder);
        connectTCP(host, "127.0.0.1", portOf(port), factory, { fastPath });
        await waitFor(() => serverFactory.built.length === 1 && factory.built[0]?.connected === true);
        const client = factory.built[0] as Recorder;
        const clientTransport = client.transport;
        const serverTransport = serverFactory.built[0]?.transport as ITCPTransport;
        assert.ok(serverTransport.getHost().equals(new IPv4Address("TCP", "127.0.0.1", portOf(port))));
        assert.ok(serverTransport.getPeer().equals(clientTransport.getHost()));
        assert.notEqual((clientTransport.getHost() as IPv4Address).port, portOf(port));
        clientTransport.write(Buffer.from("addr"));
        await waitFor(() => client.received === 4);
        clientTransport.loseConnection();
        await waitFor(() => client.lostCount === 1 && serverFactory.built[0]?.connected === false);
        assert.ok(serverTransport.getHost().equals(port.getHost()), "getHost still answers after close");
      });
    }

    it("echoes a round trip and reports real IPv4 addresses on both ends", async () => {
      const host = newHost();
      const { port } = listen(host, Echo, { fastPath });
      const factory = new OrderFactory(Recorder);
      const connector = connectTCP(host, "127.0.0.1", portOf(port), factory, { fastPath });
      await waitFor(() => factory.built.length === 1 && factory.built[0]?.connected === true);
      const client = factory.built[0] as Recorder;
      const t = client.transport;
      t.write(Buffer.from("ping"));
      await waitFor(() => client.received === 4);
      assert.equal(client.bytes().toString(), "ping");
      assert.ok(t.getPeer().equals(new IPv4Address("TCP", "127.0.0.1", portOf(port))));
      assert.ok(t.getHost() instanceof IPv4Address);
      assert.ok(connector.getDestination().equals(new IPv4Address("TCP", "127.0.0.1", portOf(port))));
      assert.equal(connector.state, "connected");
      connector.disconnect();
      await waitFor(() => client.lostCount === 1);
      assert.ok(client.reason?.value instanceof ConnectionDone);
      assert.equal(connector.state, "disconnected");
    });

    it("transfers 10 MiB in each direction byte for byte", async () => {
      const host = newHost();
      const size = 10 * 1024 * 1024;
      const up = pattern(size, 21);
      const down = pattern(size, 22);
      const { port, factory: serverFactory } = listen(host, Recorder, { fastPath });
      const factory = new OrderFactory(Recorder);
      connectTCP(host, "127.0.0.1", portOf(port), factory, { fastPath });
      await waitFor(() => serverFactory.built[0]?.connected === true && factory.built[0]?.connected === true);
      const server = serverFactory.built[0] as Recorder;
      const client = factory.built[0] as Recorder;
      for (let off = 0; off < size; off += 256 * 1024) {
        client.transport.write(up.subarray(off, off + 256 * 1024));
        server.transport.write(down.subarray(off, off + 256 * 1024));
      }
      await waitFor(() => server.received === size && client.received === size, 30_000, "10 MiB both ways");
      assert.ok(server.bytes().equals(up), "client to server bytes match");
      assert.ok(client.bytes().equals(down), "server to client bytes match");
      client.transport.loseConnection();
      await waitFor(() => server.lostCount === 1 && client.lostCount === 1);
      assert.equal(host.errors.length, 0);
    });

    it("serves 1,000 concurrent connections on one port", async () => {
      const host = newHost();
      // A backlog that fits every pending handshake: with the default 50, the kernel holds
      // back (and, with SYN cookies, silently parks) completed handshakes the client
      // already sees as connected.
      const { port, factory: serverFactory } = listen(host, Echo, { fastPath, backlog: 1024 });
      const count = 1000;
      const factory = new OrderFactory(Recorder);
      for (let i = 0; i < count; i++) connectTCP(host, "127.0.0.1", portOf(port), factory, { fastPath, timeout: 20 });
      await waitFor(() => factory.built.filter((p) => p.connected).length === count, 30_000, "1000 connections");
      await waitFor(() => serverFactory.built.length === count, 30_000, "1000 accepts");
      factory.built.forEach((p, i) => p.transport.write(Buffer.from(`msg ${i}`)));
      await waitFor(() => factory.built.every((p, i) => p.received === `msg ${i}`.length), 30_000, "1000 echoes");
      factory.built.forEach((p, i) => assert.equal(p.bytes().toString(), `msg ${i}`));
      for (const p of factory.built) p.transport.loseConnection();
      await waitFor(() => factory.built.every((p) => p.lostCount === 1), 30_000, "1000 closes");
      assert.equal(factory.failure, null);
      assert.equal(host.errors.length, 0);
    });

    it("calls the client factory and protocol in Twisted's exact order", async () => {
      const host = newHost();
      const { port } = listen(host, Echo, { fastPath });
      const factory = new OrderFactory(Recorder);
      connectTCP(host, "127.0.0.1", portOf(port), factory, { fastPath });
      await waitFor(() => factory.built[0]?.connected === true);
      const client = factory.built[0] as Recorder;
      client.transport.write(Buffer.from("hello"));
      await waitFor(() => client.received === 5);
      client.transport.loseConnection();
      await waitFor(() => factory.log.includes("doStop"));
      assert.deepEqual(factory.log, [
        "doStart",
        "startedConnecting",
        "buildProtocol",
        "connectionMade",
        "dataReceived",
        "connectionLost",
        "clientConnectionLost",
        "doStop",
      ]);
      assert.ok(factory.lost?.value instanceof ConnectionDone);
    });

    it("aborts only the connection whose dataReceived throws, with that error as the reason", async () => {
      const host = newHost();
      const boom = new Error("protocol bug");
      class Fragile extends Recorder {
        override dataReceived(data: Buffer): void {
          super.dataReceived(data);
          if (data.includes("boom")) throw boom;
          this.transport?.write(data);
        }
      }
      const { port, factory: serverFactory } = listen(host, Fragile, { fastPath });
      const factory = new OrderFactory(Recorder);
      connectTCP(host, "127.0.0.1", portOf(port), factory, { fastPath });
      connectTCP(host, "127.0.0.1", portOf(port), factory, { fastPath });
      await waitFor(() => factory.built.length === 2 && factory.built.every((p) => p.connected));
      const [bad, good] = factory.built as [Recorder, Recorder];
      bad.transport.write(Buffer.from("boom"));
      await waitFor(() => bad.lostCount === 1);
      const badServer = serverFactory.built.find((p) => p.lostCount === 1) as Recorder;
      assert.equal(badServer.reason?.value, boom);
      assert.ok(bad.reason?.value instanceof ConnectionLost || bad.reason?.value instanceof ConnectionDone);
      assert.equal(host.errors.length, 1);
      assert.equal(host.errors[0]?.error, boom);
      good.transport.write(Buffer.from("still fine"));
      await waitFor(() => good.received === 10);
      assert.equal(good.bytes().toString(), "still fine");
      assert.equal(good.lostCount, 0);
      good.transport.loseConnection();
      await waitFor(() => good.lostCount === 1);
    });
  });
}

describe("abortConnection over TCP", () => {
  it("resets the connection: the peer gets ConnectionLost caused by ECONNRESET", async () => {
    const host = newHost();
    const { port, factory: serverFactory } = listen(host, Recorder);
    const factory = new OrderFactory(Recorder);
    connectTCP(host, "127.0.0.1", portOf(port), factory);
    await waitFor(() => serverFactory.built[0]?.connected === true && factory.built[0]?.connected === true);
    const server = serverFactory.built[0] as Recorder;
    const client = factory.built[0] as Recorder;
    server.transport.abortConnection();
    await waitFor(() => client.lostCount === 1 && server.lostCount === 1);
    assert.equal(server.reason?.value.name, "ConnectionAborted");
    assert.ok(client.reason?.value instanceof ConnectionLost);
    assert.equal((client.reason?.value.cause as { code?: string } | undefined)?.code, "ECONNRESET");
    assert.ok(factory.lost?.value instanceof ConnectionLost);
  });
});

describe("listenTCP", () => {
  it("binds port 0 and reports the real port; doStart on listen, doStop after the last stop", async () => {
    const host = newHost();
    const factory = new RecordingFactory(Echo);
    const port = listenTCP(host, 0, factory, { interface: "127.0.0.1" });
    const address = port.getHost();
    assert.ok(address instanceof IPv4Address);
    assert.equal(address.type, "TCP");
    assert.ok(address.port > 0);
    assert.deepEqual(factory.log, ["startFactory"]);
    assert.ok(host.resources.has(port));
    await port.stopListening().asPromise();
    assert.deepEqual(factory.log, ["startFactory", "stopFactory"]);
    assert.ok(!host.resources.has(port));
    const again = port.stopListening();
    assert.equal(again.peek().state, "succeeded");
  });

  it("throws CannotListenError synchronously for an address in use, naming address and cause", () => {
    const host = newHost();
    const { port } = listen(host, Echo);
    const factory = new RecordingFactory(Echo);
    let thrown: unknown;
    try {
      listenTCP(host, portOf(port), factory, { interface: "127.0.0.1" });
    } catch (error) {
      thrown = error;
    }
    assert.ok(thrown instanceof CannotListenError, `got ${String(thrown)}`);
    assert.equal(thrown.port, portOf(port));
    assert.equal(thrown.interface, "127.0.0.1");
    assert.equal((thrown.cause as { code?: string }).code, "EADDRINUSE");
    assert.match(thrown.message, new RegExp(`127\\.0\\.0\\.1:${portOf(port)}`));
    assert.deepEqual(factory.log, [], "the factory was not started");
  });

  it("throws CannotListenError synchronously for a host name interface or a bad port", () => {
    const host = newHost();
    const factory = new RecordingFactory(Echo);
    assert.throws(() => listenTCP(host, 0, factory, { interface: "example.invalid" }), CannotListenError);
    assert.throws(() => listenTCP(host, 70000, factory, { interface: "127.0.0.1" }), CannotListenError);
  });

  it("listens and connects over IPv6 on ::1", async () => {
    const host = newHost();
    const factory = new RecordingFactory(Echo);
    const port = listenTCP(host, 0, factory, { interface: "::1" });
    ports.push(port);
    const address = port.getHost();
    assert.ok(address instanceof IPv6Address);
    assert.equal(address.host, "::1");
    const client = new OrderFactory(Recorder);
    connectTCP(host, "::1", address.port, client);
    await waitFor(() => client.built[0]?.connected === true);
    const p = client.built[0] as Recorder;
    assert.ok(p.transport?.getPeer() instanceof IPv6Address);
    p.transport.write(Buffer.from("six"));
    await waitFor(() => p.received === 3);
    assert.equal(p.bytes().toString(), "six");
    p.transport.loseConnection();
    await waitFor(() => p.lostCount === 1);
  });

  it("stopListening closes the port but leaves open connections working", async () => {
    const host = newHost();
    const factory = new RecordingFactory(Echo);
    const port = listenTCP(host, 0, factory, { interface: "127.0.0.1" });
    const number = portOf(port);
    const client = new OrderFactory(Recorder);
    connectTCP(host, "127.0.0.1", number, client);
    await waitFor(() => client.built[0]?.connected === true);
    await port.stopListening().asPromise();
    const p = client.built[0] as Recorder;
    p.transport.write(Buffer.from("after stop"));
    await waitFor(() => p.received === 10);
    const refused = new OrderFactory(Recorder);
    connectTCP(host, "127.0.0.1", number, refused);
    await waitFor(() => refused.failure !== null);
    assert.ok(refused.failure?.value instanceof ConnectionRefusedError);
    p.transport.loseConnection();
    await waitFor(() => p.lostCount === 1);
  });

  it("closes the accepted socket at once when buildProtocol returns null", async () => {
    const host = newHost();
    class Refusing extends RecordingFactory<Echo> {
      override buildProtocol(): null {
        return null;
      }
    }
    const port = listenTCP(host, 0, new Refusing(Echo), { interface: "127.0.0.1" });
    ports.push(port);
    const closed = await new Promise<boolean>((resolve) => {
      const socket = net.connect(portOf(port), "127.0.0.1");
      socket.on("error", () => {});
      socket.on("close", () => resolve(true));
      setTimeout(() => {
        socket.destroy();
        resolve(false);
      }, 3000);
    });
    assert.equal(closed, true);
  });
});

describe("connectTCP failures", () => {
  it("fails with ConnectionRefusedError on a port that was just closed", async () => {
    const host = newHost();
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const number = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const factory = new OrderFactory(Recorder);
    const connector = connectTCP(host, "127.0.0.1", number, factory);
    await waitFor(() => factory.failure !== null);
    assert.ok(factory.failure?.value instanceof ConnectionRefusedError);
    assert.deepEqual(factory.log, ["doStart", "startedConnecting", "clientConnectionFailed", "doStop"]);
    assert.equal(connector.state, "disconnected");
  });

  it("fails with TimeoutError when the connect timeout (on the host's clock) runs out", async () => {
    const host = newHost();
    const factory = new OrderFactory(Recorder);
    const neverAnswers: net.LookupFunction = () => {};
    connectTCP(host, "stuck.test", 80, factory, { timeout: 0.05, lookup: neverAnswers });
    host.advance(0.04);
    assert.ok(!factory.log.includes("clientConnectionFailed"), "not before the timeout");
    host.advance(0.01);
    assert.ok(factory.failure?.value instanceof TimeoutError);
    assert.deepEqual(factory.log, ["doStart", "startedConnecting", "clientConnectionFailed", "doStop"]);
  });

  it("fails with DNSLookupError when the name does not resolve", async () => {
    const host = newHost();
    const factory = new OrderFactory(Recorder);
    const notFound: net.LookupFunction = (hostname, _options, callback) => {
      const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
      process.nextTick(() => callback(error, "", 4));
    };
    connectTCP(host, "nowhere.test", 80, factory, { lookup: notFound });
    await waitFor(() => factory.failure !== null);
    assert.ok(factory.failure?.value instanceof DNSLookupError);
  });

  it("stopConnecting fails the attempt with UserError; a second call throws NotConnectingError", async () => {
    const host = newHost();
    const factory = new OrderFactory(Recorder);
    const connector = connectTCP(host, "stuck.test", 80, factory, { lookup: () => {} });
    assert.equal(connector.state, "connecting");
    connector.stopConnecting();
    assert.equal(factory.failure?.value.name, "UserError");
    assert.throws(() => connector.stopConnecting(), { name: "NotConnectingError" });
    assert.equal(connector.state, "disconnected");
  });

  it("connect() reconnects with the same factory after a failure", async () => {
    const host = newHost();
    const { port } = listen(host, Echo);
    const factory = new OrderFactory(Recorder);
    const connector = connectTCP(host, "stuck.test", 80, factory, { lookup: () => {} });
    connector.stopConnecting();
    assert.throws(
      () => {
        connector.connect();
        connector.connect();
      },
      { name: "ConnectorBusyError" },
    );
    connector.stopConnecting();
    const real = connectTCP(host, "127.0.0.1", portOf(port), factory);
    await waitFor(() => real.state === "connected");
    real.disconnect();
    await waitFor(() => real.state === "disconnected" && factory.lost !== null);
  });
});

describe("flow control with a slow reader", () => {
  it("pauses a registered streaming producer and keeps the write buffer bounded", async () => {
    const host = newHost();
    const { port, factory: serverFactory } = listen(host, Recorder, { highWaterMark: 64 * 1024 });
    const factory = new OrderFactory(Recorder);
    connectTCP(host, "127.0.0.1", portOf(port), factory);
    await waitFor(() => serverFactory.built[0]?.connected === true && factory.built[0]?.connected === true);
    const server = serverFactory.built[0] as Recorder;
    const client = factory.built[0] as Recorder;
    client.transport.pauseProducing();
    const chunk = pattern(8 * 1024, 9);
    let sent = 0;
    let running = true;
    let pauses = 0;
    const t = server.transport;
    const producer: IPushProducer = {
      pauseProducing: () => {
        running = false;
        pauses++;
      },
      resumeProducing: () => {
        running = true;
      },
      stopProducing: () => {
        running = false;
      },
    };
    t.registerProducer(producer, true);
    // Produce until paused (yielding to I/O every 64 KiB); a reader that never reads must
    // pause it before 64 MiB or 5 s.
    const deadline = performance.now() + 5000;
    while (running && sent < 64 * 1024 * 1024 && performance.now() < deadline) {
      t.write(chunk);
      sent += chunk.length;
      if (sent % (64 * 1024) === 0) await new Promise((r) => setImmediate(r));
    }
    assert.equal(running, false, "the producer is paused");
    assert.ok(pauses >= 1);
    const rss = sent;
    assert.ok(rss < 32 * 1024 * 1024, `only kernel buffers plus the high-water mark were filled (sent ${sent})`);
    client.transport.resumeProducing();
    await waitFor(() => running, 5000, "producer resumed");
    t.unregisterProducer();
    await waitFor(() => client.received === sent, 10_000, "all produced bytes arrive");
    client.transport.loseConnection();
    await waitFor(() => client.lostCount === 1 && server.lostCount === 1);
  });
});
