import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Factory } from "@torsion/core";
import { ConnectionCompleter, MemoryReactorClock, connectPending, failureResultOf, successResultOf } from "@torsion/testing";
import { ConnectionRefusedError } from "@torsion/core";
import { clientFromString, serverFromString } from "@torsion/endpoints";
import { Echo, Recorder } from "./helpers.js";

describe("endpoints over MemoryReactor, without sockets", () => {
  it("run a whole echo conversation from endpoint strings", () => {
    const reactor = new MemoryReactorClock();
    const port = successResultOf(serverFromString(reactor, "tcp:8080:interface=127.0.0.1").listen(Factory.forProtocol(Echo)));
    assert.deepEqual(
      reactor.tcpServers.map((s) => [s.port, s.interface]),
      [[8080, "127.0.0.1"]],
    );
    const connected = clientFromString(reactor, "tcp:localhost:8080").connect(Factory.forProtocol(Recorder));
    const { pump } = connectPending(reactor);
    const client = successResultOf(connected);
    client.write("ping");
    pump.flush();
    assert.equal(client.received.toString(), "ping");
    client.transport?.loseConnection();
    pump.flush();
    assert.ok(client.lost !== null);
    successResultOf(port.stopListening());
  });

  it("also over Unix paths", () => {
    const reactor = new MemoryReactorClock();
    serverFromString(reactor, "unix:/run/echo.sock:lockfile=0").listen(Factory.forProtocol(Echo));
    const connected = clientFromString(reactor, "unix:/run/echo.sock").connect(Factory.forProtocol(Recorder));
    const { pump } = connectPending(reactor);
    successResultOf(connected).write("unix");
    pump.flush();
    assert.equal(successResultOf(connected).received.toString(), "unix");
  });

  it("let a test refuse an attempt with the ConnectionCompleter", () => {
    const reactor = new MemoryReactorClock();
    const connected = clientFromString(reactor, "tcp:localhost:1").connect(Factory.forProtocol(Recorder));
    new ConnectionCompleter(reactor).failOnce();
    failureResultOf(connected, ConnectionRefusedError);
  });
});
