import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConnectionDone } from "@torsion/core";
import { NodeReactor } from "@torsion/reactor";
import { Echo, OrderFactory, Recorder, RecordingFactory, waitFor } from "../../stream/dist-test/helpers.js";

describe("TCP through NodeReactor", () => {
  it("listens and connects through the reactor, and reactor.stop() closes the port and the connection", async () => {
    const reactor = new NodeReactor({ installSignalHandlers: false });
    const done = reactor.run();
    const serverFactory = new RecordingFactory(Echo);
    const port = reactor.listenTCP(0, serverFactory, { interface: "127.0.0.1" });
    const factory = new OrderFactory(Recorder);
    reactor.connectTCP("127.0.0.1", port.getHost().port, factory);
    await waitFor(() => factory.built[0]?.connected === true);
    const client = factory.built[0] as Recorder;
    client.transport.write(Buffer.from("via reactor"));
    await waitFor(() => client.received === 11);
    reactor.stop();
    await done;
    await waitFor(() => client.lostCount === 1 && serverFactory.log.includes("stopFactory"));
    assert.ok(client.reason?.value instanceof ConnectionDone);
    assert.deepEqual(serverFactory.log, ["startFactory", "stopFactory"]);
    assert.equal(client.bytes().toString(), "via reactor");
  });
});
