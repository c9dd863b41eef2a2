/**
 * Server endpoints fire `listen` once the socket is bound: a server whose `listen()` is
 * still pending (as in a `node:cluster` worker, where the primary binds later) is waited
 * for, through Node's `tracing:net.server.listen:asyncStart` channel. The pending server
 * is simulated: a reactor whose `listenTCP`/`listenUNIX` announces an unbound emitter on
 * that channel, as `net.Server.listen()` does.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { channel } from "node:diagnostics_channel";
import { EventEmitter } from "node:events";
import net from "node:net";
import { CannotListenError } from "@torsion/core";
import { CancelledError } from "@torsion/defer";
import { NodeReactor } from "@torsion/reactor";
import { MemoryReactor, assertNoResult, failureResultOf, successResultOf } from "@torsion/testing";
import { TCP4ServerEndpoint, UNIXServerEndpoint } from "@torsion/endpoints";
import { Echo, KeepingFactory } from "./helpers.js";

const listenStarts = channel("tracing:net.server.listen:asyncStart");

/** Stands for a `net.Server` whose bind is still pending. */
class PendingServer extends EventEmitter {
  listening = false;

  bind(): void {
    this.listening = true;
    this.emit("listening");
  }
}

/** A MemoryReactor whose listens start `pending` servers (announced as Node announces them). */
class PendingBindReactor extends MemoryReactor {
  readonly pending: PendingServer[] = [];

  #announce(): void {
    const server = new PendingServer();
    this.pending.push(server);
    listenStarts.publish({ server, options: {} });
  }

  override listenTCP(...args: Parameters<MemoryReactor["listenTCP"]>): ReturnType<MemoryReactor["listenTCP"]> {
    const listening = super.listenTCP(...args);
    this.#announce();
    return listening;
  }

  override listenUNIX(...args: Parameters<MemoryReactor["listenUNIX"]>): ReturnType<MemoryReactor["listenUNIX"]> {
    const listening = super.listenUNIX(...args);
    this.#announce();
    return listening;
  }
}

describe("server endpoints fire listen once bound", () => {
  it("fire at once when the reactor bound before returning", () => {
    const reactor = new MemoryReactor();
    const port = successResultOf(new TCP4ServerEndpoint(reactor, 1234).listen(new KeepingFactory(Echo)));
    assert.equal(port, reactor.ports[0]);
  });

  it("wait for a pending server to be listening, then fire with the port", () => {
    const reactor = new PendingBindReactor();
    const listening = new TCP4ServerEndpoint(reactor, 1234, { interface: "127.0.0.1" }).listen(new KeepingFactory(Echo));
    assertNoResult(listening);
    reactor.pending[0]!.bind();
    assert.equal(successResultOf(listening), reactor.ports[0]);
    assert.equal(reactor.pending[0]!.listenerCount("error"), 0, "nothing is left listening on the server");
  });

  it("fail with CannotListenError caused by the bind error, and stop the port, when the bind fails", () => {
    const reactor = new PendingBindReactor();
    const listening = new TCP4ServerEndpoint(reactor, 1234, { interface: "127.0.0.1" }).listen(new KeepingFactory(Echo));
    const bindError = Object.assign(new Error("bind EADDRINUSE 127.0.0.1:1234"), { code: "EADDRINUSE", syscall: "bind" });
    reactor.pending[0]!.emit("error", bindError);
    const failure = failureResultOf(listening, CannotListenError);
    const error = failure.value as CannotListenError;
    assert.equal(error.interface, "127.0.0.1");
    assert.equal(error.port, 1234);
    assert.equal(error.cause, bindError);
    assert.match(error.message, /127\.0\.0\.1:1234: bind EADDRINUSE/);
    assert.equal(reactor.ports[0]!.listening, false, "the port stopped listening");
    assert.equal(reactor.pending[0]!.listenerCount("listening"), 0);
  });

  it("name the socket path in a failed Unix bind", () => {
    const reactor = new PendingBindReactor();
    const listening = new UNIXServerEndpoint(reactor, "/tmp/x.sock").listen(new KeepingFactory(Echo));
    reactor.pending[0]!.emit("error", new Error("bind EADDRINUSE /tmp/x.sock"));
    assert.equal((failureResultOf(listening, CannotListenError).value as CannotListenError).port, "/tmp/x.sock");
  });

  it("stop the port and stop waiting when cancelled while the bind is pending", () => {
    const reactor = new PendingBindReactor();
    const listening = new TCP4ServerEndpoint(reactor, 1234).listen(new KeepingFactory(Echo));
    listening.cancel();
    failureResultOf(listening, CancelledError);
    assert.equal(reactor.ports[0]!.listening, false);
    assert.equal(reactor.pending[0]!.listenerCount("listening") + reactor.pending[0]!.listenerCount("error"), 0);
  });

  it("still fail at once with the reactor's own CannotListenError for a taken port (no cluster)", async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const reactor = new NodeReactor();
    try {
      const { port } = holder.address() as net.AddressInfo;
      const listening = new TCP4ServerEndpoint(reactor, port, { interface: "127.0.0.1" }).listen(new KeepingFactory(Echo));
      assert.match(failureResultOf(listening, CannotListenError).getErrorMessage(), /EADDRINUSE/);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});
