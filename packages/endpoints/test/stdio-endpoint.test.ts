import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CannotListenError, Factory, IPv4Address, Protocol, type IAddress, type IProtocol } from "@torsion/core";
import { MemoryReactorClock, StringTransport } from "@torsion/testing";
import {
  EndpointArgumentError,
  StandardIOEndpoint,
  StandardIONotAvailableError,
  StandardIOPort,
  registerStandardIOProvider,
  serverFromString,
  type IStandardIOProvider,
  type StandardIOProviderSlot,
} from "@torsion/endpoints";

const ADDRESS = new IPv4Address("TCP", "127.0.0.1", 0);

/** A StringTransport that a test closes (`close()`), as `whenClosed` reports. */
class ClosableTransport extends StringTransport {
  #close!: () => void;
  readonly #closed = new Promise<void>((resolve) => (this.#close = resolve));
  close(): void {
    this.#close();
  }
  whenClosed(): Promise<void> {
    return this.#closed;
  }
}

/** A provider that connects protocols to StringTransports and closes them when told. */
class FakeProvider implements IStandardIOProvider {
  readonly name = "fake";
  readonly connected: { reactor: object; protocol: IProtocol; transport: ClosableTransport; close: () => void }[] = [];
  failWith: Error | null = null;

  pipeAddress(): IAddress {
    return ADDRESS;
  }

  connect(reactor: object, protocol: IProtocol): ClosableTransport {
    if (this.failWith !== null) throw this.failWith;
    const transport = new ClosableTransport();
    protocol.makeConnection(transport);
    this.connected.push({ reactor, protocol, transport, close: () => transport.close() });
    return transport;
  }
}

function withProvider(): { slot: StandardIOProviderSlot; provider: FakeProvider } {
  const provider = new FakeProvider();
  return { slot: { standardIOProvider: provider }, provider };
}

describe("StandardIOEndpoint", () => {
  it("fails with StandardIONotAvailableError when no stdio provider is registered", async () => {
    const endpoint = new StandardIOEndpoint(new MemoryReactorClock(), { slot: { standardIOProvider: null } });
    await assert.rejects(endpoint.listen(Factory.forProtocol(Protocol)).asPromise(), StandardIONotAvailableError);
  });

  it("builds one protocol for the pipe address and connects it through the provider", async () => {
    const { slot, provider } = withProvider();
    const reactor = new MemoryReactorClock();
    const addresses: IAddress[] = [];
    const factory = Factory.forProtocol(Protocol);
    const build = factory.buildProtocol.bind(factory);
    factory.buildProtocol = (address) => (addresses.push(address), build(address));
    const port = await new StandardIOEndpoint(reactor, { slot }).listen(factory).asPromise();
    assert.ok(port instanceof StandardIOPort);
    assert.deepEqual(addresses, [ADDRESS]);
    assert.equal(provider.connected.length, 1);
    assert.equal(provider.connected[0]?.reactor, reactor);
    assert.equal(port.transport, provider.connected[0]?.transport);
    assert.equal(port.getHost(), ADDRESS);
  });

  it("fails with CannotListenError when buildProtocol returns null, connecting nothing", async () => {
    const { slot, provider } = withProvider();
    const factory = Factory.forProtocol(Protocol);
    factory.buildProtocol = () => null;
    const listening = new StandardIOEndpoint({}, { slot }).listen(factory).asPromise();
    await assert.rejects(listening, (error: unknown) => error instanceof CannotListenError && error.message.includes("returned null"));
    assert.equal(provider.connected.length, 0);
  });

  it("fails with what buildProtocol or the provider threw", async () => {
    const { slot, provider } = withProvider();
    const factory = Factory.forProtocol(Protocol);
    const thrown = new Error("no protocol today");
    const build = factory.buildProtocol.bind(factory);
    factory.buildProtocol = () => {
      throw thrown;
    };
    await assert.rejects(new StandardIOEndpoint({}, { slot }).listen(factory).asPromise(), (error) => error === thrown);
    factory.buildProtocol = build;
    provider.failWith = new CannotListenError("", "stdio", "in use");
    await assert.rejects(new StandardIOEndpoint({}, { slot }).listen(factory).asPromise(), CannotListenError);
  });

  it("stopListening loses the connection and fires once it is closed; startListening then throws", async () => {
    const { slot, provider } = withProvider();
    const port = await new StandardIOEndpoint({}, { slot }).listen(Factory.forProtocol(Protocol)).asPromise();
    port.startListening();
    const stopped = port.stopListening();
    assert.equal(port.stopListening(), stopped, "a second call returns the same Deferred");
    assert.equal(port.transport.disconnecting, true);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(stopped.called, false, "not before the connection is closed");
    provider.connected[0]?.close();
    await stopped.asPromise();
    assert.throws(() => port.startListening(), CannotListenError);
  });

  it("is what serverFromString gives for stdio: (any case), which takes no arguments", () => {
    const reactor = new MemoryReactorClock();
    assert.ok(serverFromString(reactor, "stdio:") instanceof StandardIOEndpoint);
    assert.ok(serverFromString(reactor, "STDIO:") instanceof StandardIOEndpoint);
    assert.throws(() => serverFromString(reactor, "stdio:extra"), EndpointArgumentError);
    assert.throws(() => serverFromString(reactor, "stdio:mode=1"), EndpointArgumentError);
  });
});

describe("registerStandardIOProvider", () => {
  it("sets the slot's provider and returns the previous one", () => {
    const slot: StandardIOProviderSlot = { standardIOProvider: null };
    const first = new FakeProvider();
    const second = new FakeProvider();
    assert.equal(registerStandardIOProvider(first, slot), null);
    assert.equal(registerStandardIOProvider(second, slot), first);
    assert.equal(slot.standardIOProvider, second);
  });
});
