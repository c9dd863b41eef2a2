import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { CannotListenError, ConnectionRefusedError, ConnectingCancelledError } from "@torsion/core";
import { NodeReactor } from "@torsion/reactor";
import { ConnectionCompleter, MemoryReactor, failureResultOf, successResultOf } from "@torsion/testing";
import { UNIXClientEndpoint, UNIXServerEndpoint } from "@torsion/endpoints";
import { Echo, KeepingFactory, Recorder, failureOf, tempDir, waitFor } from "./helpers.js";

const temp = tempDir();
after(() => temp.remove());

describe("Unix endpoints over MemoryReactor", () => {
  it("listen with listenUNIX and the given backlog, mode and wantPID (defaults 50, 0o666, false)", () => {
    const reactor = new MemoryReactor();
    new UNIXServerEndpoint(reactor, "/tmp/a.sock", { backlog: 3, mode: 0o600, wantPID: true }).listen(new KeepingFactory(Echo));
    new UNIXServerEndpoint(reactor, "/tmp/b.sock").listen(new KeepingFactory(Echo));
    assert.deepEqual(
      reactor.unixServers.map((s) => [s.address, s.backlog, s.mode, s.wantPID]),
      [
        ["/tmp/a.sock", 3, 0o600, true],
        ["/tmp/b.sock", 50, 0o666, false],
      ],
    );
  });

  it("connect with connectUNIX (timeout 30 and checkPID false by default) and fire with the protocol", () => {
    const reactor = new MemoryReactor();
    const d = new UNIXClientEndpoint(reactor, "/tmp/a.sock").connect(new KeepingFactory(Recorder));
    new UNIXClientEndpoint(reactor, "/tmp/b.sock", { timeout: 2, checkPID: true }).connect(new KeepingFactory(Recorder));
    assert.deepEqual(
      reactor.unixClients.map((c) => [c.address, c.timeout, c.checkPID]),
      [
        ["/tmp/a.sock", 30, false],
        ["/tmp/b.sock", 2, true],
      ],
    );
    new ConnectionCompleter(reactor).succeedOnce();
    assert.deepEqual(successResultOf(d).events, ["connectionMade"]);
  });

  it("fail with ConnectingCancelledError when cancelled", () => {
    const reactor = new MemoryReactor();
    const d = new UNIXClientEndpoint(reactor, "/tmp/a.sock").connect(new KeepingFactory(Recorder));
    d.cancel();
    failureResultOf(d, ConnectingCancelledError);
  });
});

describe("Unix endpoints over a real socket in a temp dir", () => {
  const reactor = new NodeReactor({ installSignalHandlers: false });

  it("echo, with the socket file made with the requested mode", async () => {
    const address = path.join(temp.dir, "echo.sock");
    const port = await new UNIXServerEndpoint(reactor, address, { mode: 0o600 }).listen(new KeepingFactory(Echo));
    try {
      assert.equal(fs.statSync(address).mode & 0o777, 0o600);
      const client = await new UNIXClientEndpoint(reactor, address).connect(new KeepingFactory(Recorder));
      client.write("over unix");
      await waitFor(() => client.received.length === 9);
      assert.equal(client.received.toString(), "over unix");
      client.transport?.loseConnection();
      await waitFor(() => client.lost !== null);
    } finally {
      await port.stopListening();
    }
  });

  it("fail with ConnectionRefusedError when no socket is there", async () => {
    const error = await failureOf(new UNIXClientEndpoint(reactor, path.join(temp.dir, "none.sock")).connect(new KeepingFactory(Recorder)));
    assert.ok(error instanceof ConnectionRefusedError, String(error));
  });

  it("fail to listen with CannotListenError where the directory does not exist", async () => {
    const error = await failureOf(
      new UNIXServerEndpoint(reactor, path.join(temp.dir, "no", "such", "x.sock")).listen(new KeepingFactory(Echo)),
    );
    assert.ok(error instanceof CannotListenError, String(error));
  });
});
