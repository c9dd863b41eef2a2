/**
 * Type tests of the public API, compiled (never run) by `tsc -b` as part of the build: a
 * type regression fails the build, hence `npm test`. `expectTypeOf` asserts a type;
 * `@ts-expect-error` asserts that a misuse is refused (and fails if it compiles).
 */
import { expectTypeOf } from "expect-type";
import {
  ClientFactory,
  DatagramProtocol,
  Factory,
  Int32StringReceiver,
  LineOnlyReceiver,
  LineReceiver,
  NetstringReceiver,
  Protocol,
  ReconnectingClientFactory,
  reactor,
  type IAddress,
  type IListeningPort,
  type IPAddress,
  type ISSLTransport,
  type ITCPTransport,
  type ITransport,
  type IUDPTransport,
  type UNIXAddress,
} from "torsion";
import { Clock, MemoryReactor, StringTransport } from "torsion/testing";

declare const factory: Factory;

// Ports say what getHost() returns.
expectTypeOf(reactor.listenTCP(0, factory).getHost()).toEqualTypeOf<IPAddress>();
expectTypeOf(reactor.listenTCP(0, factory).getHost().port).toEqualTypeOf<number>();
expectTypeOf(reactor.listenUNIX("/tmp/t.sock", factory).getHost()).toEqualTypeOf<UNIXAddress>();
expectTypeOf(reactor.listenUDP(0, new DatagramProtocol()).getHost()).toEqualTypeOf<IPAddress>();
expectTypeOf(new MemoryReactor().listenTCP(0, factory).getHost()).toEqualTypeOf<IPAddress>();
expectTypeOf(new MemoryReactor().listenUNIX("/tmp/t.sock", factory).getHost()).toEqualTypeOf<UNIXAddress>();
expectTypeOf<IListeningPort["getHost"]>().returns.toEqualTypeOf<IAddress>();
expectTypeOf<ITCPTransport<IPAddress>["getPeer"]>().returns.toEqualTypeOf<IPAddress>();

// UDP: the address datagramReceived gets goes back into write().
expectTypeOf<DatagramProtocol["datagramReceived"]>().parameter(1).toEqualTypeOf<IPAddress>();
expectTypeOf<DatagramProtocol["transport"]>().toEqualTypeOf<IUDPTransport>();
expectTypeOf<DatagramProtocol["transportOrNull"]>().toEqualTypeOf<IUDPTransport | null>();
expectTypeOf<IPAddress>().toExtend<Parameters<IUDPTransport["write"]>[1]>();

// Stream protocols: a non-null ITCPTransport, and a typed factory.
expectTypeOf<Protocol["transport"]>().toEqualTypeOf<ITCPTransport>();
expectTypeOf<Protocol["transportOrNull"]>().toEqualTypeOf<ITCPTransport | null>();
expectTypeOf<Protocol["factory"]>().toEqualTypeOf<import("torsion").IProtocolFactory>();
expectTypeOf<Protocol<Factory, ITransport>["transport"]>().toEqualTypeOf<ITransport>();
expectTypeOf<ITCPTransport["abortConnection"]>().toEqualTypeOf<() => void>();
expectTypeOf<ISSLTransport>().toExtend<ITCPTransport>();

class CountingFactory extends Factory<Counted> {
  connections = 0;
}
class Counted extends LineReceiver<CountingFactory> {
  override connectionMade(): void {
    this.factory.connections++;
  }
}
expectTypeOf<Counted["factory"]>().toEqualTypeOf<CountingFactory>();
expectTypeOf<LineOnlyReceiver<CountingFactory>["factory"]>().toEqualTypeOf<CountingFactory>();
expectTypeOf<NetstringReceiver<CountingFactory>["factory"]>().toEqualTypeOf<CountingFactory>();
expectTypeOf<Int32StringReceiver<CountingFactory>["factory"]>().toEqualTypeOf<CountingFactory>();
expectTypeOf(CountingFactory.forProtocol(Counted).connections).toEqualTypeOf<number>();
expectTypeOf(CountingFactory.forProtocol(Counted).buildProtocol(new StringTransport().getPeer())).toEqualTypeOf<Counted | null>();
// @ts-expect-error a ClientFactory is not the CountingFactory Counted declares
ClientFactory.forProtocol(Counted);
// @ts-expect-error nor is a plain Factory
Factory.forProtocol(Counted);
expectTypeOf(ClientFactory.forProtocol(Protocol).startedConnecting).toBeFunction();
class CountingClientFactory extends ClientFactory<CountedClient> {
  connections = 0;
}
class CountedClient extends Protocol<CountingClientFactory> {}
expectTypeOf(CountingClientFactory.forProtocol(CountedClient).connections).toEqualTypeOf<number>();

// forProtocol passes the factory's constructor arguments, checked against its constructor.
class Named extends Factory {
  constructor(readonly label: string) {
    super();
  }
}
expectTypeOf(Named.forProtocol(Protocol, "x").label).toEqualTypeOf<string>();
// @ts-expect-error the constructor argument is missing
Named.forProtocol(Protocol);
// @ts-expect-error the constructor argument has the wrong type
Named.forProtocol(Protocol, 42);

// ReconnectingClientFactory: the clock is required by the type.
expectTypeOf(new ReconnectingClientFactory({ clock: new Clock() }).clock).toEqualTypeOf<import("torsion").IReactorTime>();
expectTypeOf(ReconnectingClientFactory.forProtocol(Protocol, { clock: reactor }).resetDelay).toBeFunction();
// @ts-expect-error the clock option is required
new ReconnectingClientFactory({});
// @ts-expect-error no options at all
new ReconnectingClientFactory();

// Send methods take bytes, not strings.
declare const line: LineReceiver;
// @ts-expect-error a string is not bytes
line.sendLine("text");
expectTypeOf<LineReceiver["sendLine"]>().parameter(0).toEqualTypeOf<Uint8Array>();
