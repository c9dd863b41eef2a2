/**
 * Through the real reactor: hostile values thrown by timed calls and by protocol callbacks
 * reach the reactor's error reporter (through `Failure`), and the reactor keeps running.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Factory, Protocol, type CallbackResult, type ITCPTransport } from "@torsion/core";
import type { Failure } from "@torsion/defer";
import { NodeReactor } from "@torsion/reactor";
import { FAILURE_MODES, hostileValues, thrownOf } from "../../stream/dist-test/hostile-values.js";
import { OrderFactory, Recorder, waitFor } from "../../stream/dist-test/helpers.js";

function reactorWithReports(): { reactor: NodeReactor; reports: Failure[] } {
  const reports: Failure[] = [];
  const reactor = new NodeReactor({ installSignalHandlers: false, errorReporter: (failure) => reports.push(failure) });
  return { reactor, reports };
}

describe("NodeReactor and hostile failures", () => {
  for (const mode of FAILURE_MODES) {
    it(`reports a timed call that ${mode.name} with any value, and runs the next call`, async () => {
      const { reactor, reports } = reactorWithReports();
      const values = hostileValues();
      let ran = 0;
      for (const { value } of values) reactor.callLater(0, () => mode.run(value));
      reactor.callLater(0.001, () => ran++);
      await waitFor(() => ran === 1 && reports.length === values.length, 5000, "every report");
      reports.forEach((failure, i) => assert.equal(thrownOf(failure.value), values[i]?.value));
    });
  }

  it("reports, through the reactor's reporter, a dataReceived that throws any value, and aborts only that connection", async () => {
    const { reactor, reports } = reactorWithReports();
    const values = hostileValues();
    let index = 0;
    class Fragile extends Protocol {
      override dataReceived(data: Buffer): CallbackResult {
        if (data.toString() === "bad") throw values[index++]?.value;
        this.transport?.write(data);
      }
    }
    const port = reactor.listenTCP(0, Factory.forProtocol(Fragile), { interface: "127.0.0.1" });
    const number = port.getHost().port;
    const good = new OrderFactory(Recorder);
    reactor.connectTCP("127.0.0.1", number, good);
    await waitFor(() => good.built[0]?.connected === true);
    for (let i = 0; i < values.length; i++) {
      const bad = new OrderFactory(Recorder);
      reactor.connectTCP("127.0.0.1", number, bad);
      await waitFor(() => bad.built[0]?.connected === true);
      (bad.built[0]?.transport as ITCPTransport).write(Buffer.from("bad"));
      await waitFor(() => bad.built[0]?.lostCount === 1 && reports.length === i + 1);
    }
    assert.deepEqual(
      reports.map((failure) => thrownOf(failure.value)),
      values.map((v) => v.value),
    );
    for (const failure of reports) assert.equal(typeof failure.getTraceback(), "string");
    (good.built[0]?.transport as ITCPTransport).write(Buffer.from("ok"));
    await waitFor(() => good.built[0]?.received === 2);
    await port.stopListening().asPromise();
    (good.built[0]?.transport as ITCPTransport).loseConnection();
    await waitFor(() => good.built[0]?.lostCount === 1);
  });
});
