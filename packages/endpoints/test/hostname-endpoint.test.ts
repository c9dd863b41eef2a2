import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ConnectingCancelledError,
  ConnectionRefusedError,
  ConnectorState,
  DNSLookupError,
  InvalidAddressError,
  TimeoutError,
} from "@torsion/core";
import { Deferred, succeed } from "@torsion/defer";
import {
  ConnectionCompleter,
  FakeConnector,
  MemoryReactorClock,
  StringTransport,
  assertNoResult,
  failureResultOf,
  successResultOf,
} from "@torsion/testing";
import { HostnameEndpoint, type HostnameResolver, type ResolvedAddress } from "@torsion/endpoints";
import { NodeReactor } from "@torsion/reactor";
import { IPv4Address } from "@torsion/core";
import { TCP4ServerEndpoint } from "@torsion/endpoints";
import { Echo, KeepingFactory, Recorder, waitFor } from "./helpers.js";

const v4 = (address: string): ResolvedAddress => ({ address, family: 4 });
const v6 = (address: string): ResolvedAddress => ({ address, family: 6 });

/** A resolver answering synchronously with `addresses`, recording what it was asked. */
function fixed(addresses: ResolvedAddress[], asked: unknown[] = []): HostnameResolver {
  return (host, options) => {
    asked.push([host, options.family]);
    return succeed(addresses);
  };
}

/** Completes one particular pending connector (not necessarily the oldest). */
function complete(connector: FakeConnector): void {
  const protocol = connector.factory.buildProtocol(connector.getDestination());
  connector.state = ConnectorState.connected;
  protocol?.makeConnection(new StringTransport());
}

function setup(addresses: ResolvedAddress[], options: ConstructorParameters<typeof HostnameEndpoint>[3] = {}) {
  const reactor = new MemoryReactorClock();
  const asked: unknown[] = [];
  const endpoint = new HostnameEndpoint(reactor, "example.com", 443, { resolver: fixed(addresses, asked), ...options });
  const factory = new KeepingFactory(Recorder);
  const d = endpoint.connect(factory);
  const hosts = () => reactor.tcpClients.map((c) => c.host);
  return { reactor, endpoint, factory, d, asked, hosts };
}

describe("HostnameEndpoint", () => {
  it("resolves the name through the injected resolver, for any address family", () => {
    const { asked } = setup([v4("192.0.2.1")]);
    assert.deepEqual(asked, [["example.com", 0]]);
  });

  it("gives the resolver the IDNA (punycode) form of an international name", () => {
    const reactor = new MemoryReactorClock();
    const asked: unknown[] = [];
    new HostnameEndpoint(reactor, "bücher.example", 80, { resolver: fixed([v4("192.0.2.1")], asked) }).connect(
      new KeepingFactory(Recorder),
    );
    assert.deepEqual(asked, [["xn--bcher-kva.example", 0]]);
  });

  it("connects to an IP literal without resolving", () => {
    const reactor = new MemoryReactorClock();
    const resolver: HostnameResolver = () => {
      throw new Error("must not resolve");
    };
    new HostnameEndpoint(reactor, "127.0.0.1", 80, { resolver }).connect(new KeepingFactory(Recorder));
    new HostnameEndpoint(reactor, "::1", 80, { resolver }).connect(new KeepingFactory(Recorder));
    assert.deepEqual(
      reactor.tcpClients.map((c) => [c.host, c.port]),
      [
        ["127.0.0.1", 80],
        ["::1", 80],
      ],
    );
  });

  it("starts the first attempt at once and one more every 0.3 s, in resolver order (no family interleaving)", () => {
    const { reactor, hosts } = setup([v6("2001:db8::1"), v6("2001:db8::2"), v4("192.0.2.1")]);
    assert.deepEqual(hosts(), ["2001:db8::1"]);
    reactor.advance(0.29);
    assert.deepEqual(hosts(), ["2001:db8::1"]);
    reactor.advance(0.01);
    assert.deepEqual(hosts(), ["2001:db8::1", "2001:db8::2"]);
    reactor.advance(0.3);
    assert.deepEqual(hosts(), ["2001:db8::1", "2001:db8::2", "192.0.2.1"]);
  });

  it("honours another attemptDelay and gives each attempt the per-attempt timeout and bind address", () => {
    const { reactor } = setup([v4("192.0.2.1"), v4("192.0.2.2")], { attemptDelay: 1, timeout: 7, bindAddress: ["192.0.2.9", 0] });
    reactor.advance(0.9);
    assert.equal(reactor.tcpClients.length, 1);
    reactor.advance(0.1);
    assert.deepEqual(
      reactor.tcpClients.map((c) => [c.port, c.timeout, c.bindAddress]),
      [
        [443, 7, ["192.0.2.9", 0]],
        [443, 7, ["192.0.2.9", 0]],
      ],
    );
  });

  it("fires with the first attempt to connect, cancels the others and starts no more", () => {
    const { reactor, d, factory } = setup([v4("192.0.2.1"), v4("192.0.2.2"), v4("192.0.2.3")]);
    reactor.advance(0.3);
    complete(reactor.connectors[1] as FakeConnector);
    const protocol = successResultOf(d);
    assert.equal(protocol, factory.built[0]);
    assert.deepEqual(protocol.events, ["connectionMade"]);
    assert.equal(reactor.connectors[0]?.stoppedConnecting, true, "the loser was cancelled");
    reactor.advance(10);
    assert.equal(reactor.tcpClients.length, 2, "no attempt after the win");
    assert.deepEqual(reactor.getDelayedCalls(), []);
  });

  it("does not start the next attempt early when one fails (Twisted)", () => {
    const { reactor, hosts } = setup([v4("192.0.2.1"), v4("192.0.2.2")]);
    new ConnectionCompleter(reactor).failOnce(new ConnectionRefusedError());
    assert.deepEqual(hosts(), ["192.0.2.1"]);
    reactor.advance(0.3);
    assert.deepEqual(hosts(), ["192.0.2.1", "192.0.2.2"]);
  });

  it("fails with the last failure once every attempt failed, at the next tick", () => {
    const { reactor, d } = setup([v4("192.0.2.1"), v4("192.0.2.2")]);
    const completer = new ConnectionCompleter(reactor);
    reactor.advance(0.3);
    completer.failOnce(new ConnectionRefusedError("first"));
    completer.failOnce(new TimeoutError("last"));
    assertNoResult(d);
    reactor.advance(0.3);
    const failure = failureResultOf(d, TimeoutError);
    assert.equal(failure.value.message, "last");
  });

  it("fails as soon as the last attempt fails when every address was already tried", () => {
    const { reactor, d } = setup([v4("192.0.2.1")]);
    reactor.advance(0.3);
    assertNoResult(d);
    new ConnectionCompleter(reactor).failOnce(new ConnectionRefusedError());
    failureResultOf(d, ConnectionRefusedError);
  });

  it("fails with DNSLookupError when the lookup fails, keeping the resolver's error as cause", () => {
    const reactor = new MemoryReactorClock();
    const cause = Object.assign(new Error("getaddrinfo ENOTFOUND nx.example"), { code: "ENOTFOUND" });
    const d = new HostnameEndpoint(reactor, "nx.example", 80, { resolver: () => Promise.reject(cause) }).connect(
      new KeepingFactory(Recorder),
    );
    return d.then(
      () => assert.fail("expected a failure"),
      (error: unknown) => {
        assert.ok(error instanceof DNSLookupError);
        assert.equal(error.message, "Couldn't find the hostname 'nx.example'");
        assert.equal(error.cause, cause);
      },
    );
  });

  it("fails with DNSLookupError when the lookup finds nothing", () => {
    const { d, reactor } = setup([]);
    const failure = failureResultOf(d, DNSLookupError);
    assert.equal(failure.value.message, "no results for hostname lookup: example.com");
    assert.equal(reactor.tcpClients.length, 0);
  });

  it("fails with InvalidAddressError for a name that is not a valid host name", () => {
    const reactor = new MemoryReactorClock();
    const d = new HostnameEndpoint(reactor, "exa mple.com", 80, { resolver: fixed([v4("192.0.2.1")]) }).connect(
      new KeepingFactory(Recorder),
    );
    failureResultOf(d, InvalidAddressError);
  });

  it("can be cancelled during the lookup; the late answer is ignored", () => {
    const reactor = new MemoryReactorClock();
    const answer = new Deferred<ResolvedAddress[]>();
    const d = new HostnameEndpoint(reactor, "slow.example", 80, { resolver: () => answer }).connect(new KeepingFactory(Recorder));
    d.cancel();
    failureResultOf(d, ConnectingCancelledError);
    answer.callback([v4("192.0.2.1")]);
    reactor.advance(1);
    assert.equal(reactor.tcpClients.length, 0);
  });

  it("when cancelled during the attempts, cancels every pending attempt and starts no more", () => {
    const { reactor, d } = setup([v4("192.0.2.1"), v4("192.0.2.2"), v4("192.0.2.3")]);
    reactor.advance(0.3);
    d.cancel();
    failureResultOf(d, ConnectingCancelledError);
    assert.deepEqual(
      reactor.connectors.map((c) => c.stoppedConnecting),
      [true, true],
    );
    reactor.advance(5);
    assert.equal(reactor.tcpClients.length, 2);
    assert.deepEqual(reactor.getDelayedCalls(), []);
  });

  it("with the rfc8305 policy, interleaves the families and starts the next attempt as soon as one fails", () => {
    const { reactor, hosts } = setup([v6("2001:db8::1"), v6("2001:db8::2"), v4("192.0.2.1"), v4("192.0.2.2")], {
      attemptPolicy: "rfc8305",
    });
    assert.deepEqual(hosts(), ["2001:db8::1"]);
    new ConnectionCompleter(reactor).failOnce(new ConnectionRefusedError());
    assert.deepEqual(hosts(), ["2001:db8::1", "192.0.2.1"], "the next family at once after the failure");
    reactor.advance(0.3);
    assert.deepEqual(hosts(), ["2001:db8::1", "192.0.2.1", "2001:db8::2"]);
  });

  it("with the rfc8305 policy, fails at once when the last attempt fails", () => {
    const { reactor, d } = setup([v4("192.0.2.1")], { attemptPolicy: "rfc8305" });
    new ConnectionCompleter(reactor).failOnce(new ConnectionRefusedError());
    failureResultOf(d, ConnectionRefusedError);
    assert.deepEqual(reactor.getDelayedCalls(), []);
  });

  it("prints itself as Twisted does, with IPv6 literals in brackets", () => {
    const reactor = new MemoryReactorClock();
    assert.equal(String(new HostnameEndpoint(reactor, "bücher.example", 80)), "<HostnameEndpoint xn--bcher-kva.example:80>");
    assert.equal(String(new HostnameEndpoint(reactor, "::1", 80)), "<HostnameEndpoint [::1]:80>");
  });
});

describe("HostnameEndpoint over real loopback", () => {
  it("moves on from a refused address to the next one and connects (injected resolver, no DNS)", async () => {
    const reactor = new NodeReactor({ installSignalHandlers: false });
    // The server listens on 127.0.0.1 only, so [::1]:port refuses (or is unreachable without IPv6).
    const port = await new TCP4ServerEndpoint(reactor, 0, { interface: "127.0.0.1" }).listen(new KeepingFactory(Echo));
    try {
      const resolver: HostnameResolver = () => [v6("::1"), v4("127.0.0.1")];
      const started = reactor.seconds();
      const endpoint = new HostnameEndpoint(reactor, "app.test", (port.getHost() as IPv4Address).port, { resolver, attemptDelay: 0.05 });
      const client = await endpoint.connect(new KeepingFactory(Recorder));
      assert.ok(reactor.seconds() - started >= 0.05, "the second attempt waited for its tick");
      assert.equal(String(client.transport?.getPeer()), String(new IPv4Address("TCP", "127.0.0.1", (port.getHost() as IPv4Address).port)));
      client.write("hi");
      await waitFor(() => client.received.length === 2);
      client.transport?.loseConnection();
      await waitFor(() => client.lost !== null);
    } finally {
      await port.stopListening();
    }
  });
});
