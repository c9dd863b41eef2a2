// snippet: timeouts/reconnect.ts
// ReconnectingClientFactory retries with exponential back-off. With a MemoryReactorClock
// the test plays the network (fail the attempt) and the passing of time.
import assert from "node:assert/strict";
import { ConnectionRefusedError, Failure, Protocol, ReconnectingClientFactory } from "torsion";
import { MemoryReactorClock } from "torsion/testing";

const reactor = new MemoryReactorClock();
const factory = new ReconnectingClientFactory({ clock: reactor, initialDelay: 1, factor: 2, maxDelay: 10, jitter: 0 });
factory.protocol = Protocol;

const connector = reactor.connectTCP("127.0.0.1", 9, factory);
const delays: number[] = [];
for (let attempt = 0; attempt < 5; attempt += 1) {
  connector.connectionFailed(new Failure(new ConnectionRefusedError()));
  delays.push(factory.delay);
  const before = connector.connectCalls;
  reactor.advance(factory.delay); // the retry is due: connect() is called again
  assert.equal(connector.connectCalls, before + 1);
}
console.log(`retry delays: ${delays.join(", ")}`);
factory.stopTrying();
assert.equal(factory.retryPending, false);
