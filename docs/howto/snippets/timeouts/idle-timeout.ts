// snippet: timeouts/idle-timeout.ts
// An idle timeout two ways: a Timeout owned by the protocol (Twisted's TimeoutMixin), and
// TimeoutFactory wrapping any factory (Twisted's policies.TimeoutFactory). Both run on
// the clock they are given, so a test drives them with a Clock.
import assert from "node:assert/strict";
import { Protocol, Factory, Timeout, TimeoutFactory, IPv4Address, type IReactorTime } from "torsion";
import { Clock, StringTransportWithDisconnection } from "torsion/testing";

class Idle extends Protocol {
  readonly timeout: Timeout;
  constructor(clock: IReactorTime) {
    super();
    this.timeout = new Timeout(clock, () => this.transport.loseConnection());
  }
  override connectionMade(): void {
    this.timeout.setTimeout(30);
  }
  override dataReceived(_data: Buffer): void {
    this.timeout.resetTimeout(); // activity: start the 30 s again
  }
  override connectionLost(): void {
    this.timeout.cancel();
  }
}

const clock = new Clock();
const idle = new Idle(clock);
const transport = new StringTransportWithDisconnection();
transport.protocol = idle; // so the close reaches the protocol
idle.makeConnection(transport);
clock.advance(20);
idle.dataReceived(Buffer.from("still here"));
clock.advance(20);
assert.equal(transport.closed, false); // 20 s since the data
clock.advance(10);
assert.equal(transport.closed, true);
console.log(`Timeout: closed at t=${clock.seconds()}`);

const wrapped = new TimeoutFactory(Factory.forProtocol(Protocol), clock, { timeoutPeriod: 5 });
const protocol = wrapped.buildProtocol(new IPv4Address("TCP", "127.0.0.1", 4000))!;
const other = new StringTransportWithDisconnection();
other.protocol = protocol;
protocol.makeConnection(other);
clock.advance(5);
assert.equal(other.closed, true);
console.log(`TimeoutFactory: closed at t=${clock.seconds()}`);
