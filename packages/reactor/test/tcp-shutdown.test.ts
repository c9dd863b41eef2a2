/**
 * The reactor's stop() against real TCP sockets from @torsion/tcp, on 127.0.0.1 port 0.
 * (Not tied to one src module: it checks the reactor and the TCP transport together.)
 */
import assert from "node:assert/strict";
import * as net from "node:net";
import { describe, it } from "node:test";
import { Factory, IPv4Address, Protocol } from "@torsion/core";
import { makeReactor, within } from "./support.js";

/** Far more than loopback's kernel buffers hold, so most of it is still queued in the transport at stop(). */
const PAYLOAD_BYTES = 32 * 1024 * 1024;

/** Writes PAYLOAD_BYTES to each client as soon as it connects. */
class Blaster extends Protocol {
  override connectionMade(): void {
    this.transport?.write(Buffer.alloc(PAYLOAD_BYTES, 0x61));
  }
}

/** Connects a raw, initially paused client; resolves its byte count when the server closes. */
function pausedClient(port: number): { socket: net.Socket; received: Promise<number>; connected: Promise<void> } {
  const socket = net.connect({ host: "127.0.0.1", port });
  socket.pause();
  let bytes = 0;
  socket.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
  });
  const received = new Promise<number>((resolve, reject) => {
    socket.on("end", () => resolve(bytes));
    socket.on("error", reject);
  });
  const connected = new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  return { socket, received, connected };
}

/** Resolves with the error code of a fresh connection attempt to `port`, or "connected". */
function probe(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
  });
}

describe("stop() with real TCP sockets", { timeout: 10_000 }, () => {
  it("stops a listening TCP port and closes an open connection after flushing its pending writes", async (t) => {
    const { reactor, reports } = makeReactor(t, { shutdownGraceSeconds: 5 });
    const listening = reactor.listenTCP(0, Factory.forProtocol(Blaster), { interface: "127.0.0.1" });
    const address = listening.getHost();
    assert.ok(address instanceof IPv4Address);
    const client = pausedClient(address.port);
    t.after(() => client.socket.destroy());
    const stopped = reactor.run();
    await within(client.connected, 2000, "the client's connection");
    await new Promise((resolve) => setTimeout(resolve, 20));
    reactor.stop();
    client.socket.resume();
    assert.equal(await within(client.received, 5000, "the payload"), PAYLOAD_BYTES, "every pending byte arrived");
    assert.equal(await probe(address.port), "ECONNREFUSED", "the port no longer accepts connections");
    await within(stopped, 5000, "run()");
    assert.deepEqual(
      reports.map((report) => `${report.context}: ${report.failure.value.message}`),
      [],
    );
  });

  it("aborts a connection whose peer stops reading once the grace period is over", async (t) => {
    const { reactor, reports } = makeReactor(t, { shutdownGraceSeconds: 0.05 });
    const listening = reactor.listenTCP(0, Factory.forProtocol(Blaster), { interface: "127.0.0.1" });
    const address = listening.getHost();
    assert.ok(address instanceof IPv4Address);
    const client = pausedClient(address.port);
    t.after(() => client.socket.destroy());
    const closed = new Promise<void>((resolve) => client.socket.once("close", () => resolve()));
    client.received.catch(() => undefined);
    const stopped = reactor.run();
    await within(client.connected, 2000, "the client's connection");
    const start = reactor.seconds();
    reactor.stop();
    await within(stopped, 3000, "run()");
    const elapsed = reactor.seconds() - start;
    assert.ok(elapsed >= 0.04, `stop() finished after ${elapsed} s, before the grace period ended`);
    client.socket.resume();
    await within(closed, 3000, "the client's close");
    assert.ok(client.socket.bytesRead < PAYLOAD_BYTES, "the connection was cut short, not flushed");
    assert.deepEqual(
      reports.map((report) => report.failure.value.message),
      [],
    );
  });
});
