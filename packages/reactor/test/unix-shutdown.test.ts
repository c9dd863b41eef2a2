/**
 * The reactor's Unix-socket wiring with real sockets from @torsion/unix, in a temp dir:
 * listenUNIX and connectUNIX go through the reactor, and stop() closes the port and both
 * ends of the connection.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ClientFactory, Factory, Protocol, type IConnector } from "@torsion/core";
import type { Failure } from "@torsion/defer";
import { makeReactor, within } from "./support.js";

/** Server side: greets each client. */
class Greeter extends Protocol {
  override connectionMade(): void {
    this.transport?.write(Buffer.from("hello over unix"));
  }
}

/** Client side: collects what it receives and records how it ended. */
class Collector extends Protocol {
  static latest: Collector | undefined;
  received = "";
  readonly lost: Promise<Failure>;
  #onLost: (reason: Failure) => void = () => undefined;
  #onData: () => void = () => undefined;
  readonly greeted = new Promise<void>((resolve) => {
    this.#onData = resolve;
  });

  constructor() {
    super();
    Collector.latest = this;
    this.lost = new Promise((resolve) => {
      this.#onLost = resolve;
    });
  }

  override dataReceived(data: Buffer): void {
    this.received += data.toString();
    if (this.received === "hello over unix") this.#onData();
  }

  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    this.#onLost(reason);
  }
}

/** Resolves with the error code of a fresh connection attempt to `path`, or "connected". */
function probe(path: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ path });
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
  });
}

describe("stop() with real Unix sockets", { timeout: 5000 }, () => {
  it("serves a connectUNIX client through listenUNIX, and closes the port and the connection on stop()", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "torsion-reactor-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "server.sock");
    const { reactor, reports } = makeReactor(t);
    reactor.listenUNIX(path, Factory.forProtocol(Greeter));
    const failures: Failure[] = [];
    const factory = new (class extends ClientFactory {
      override clientConnectionFailed(connector: IConnector, reason: Failure): void {
        failures.push(reason);
      }
    })();
    factory.protocol = Collector;
    reactor.connectUNIX(path, factory);
    const stopped = reactor.run();
    await within(
      (async () => {
        while (Collector.latest === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
      })(),
      2000,
      "the client connection",
    );
    const client = Collector.latest as Collector;
    await within(client.greeted, 2000, "the greeting");
    reactor.stop();
    await within(client.lost, 2000, "the client's connectionLost");
    await within(stopped, 2000, "run()");
    assert.equal(client.received, "hello over unix");
    assert.notEqual(await probe(path), "connected", "the port no longer accepts connections");
    assert.deepEqual(failures, []);
    assert.deepEqual(
      reports.map((report) => report.failure.value.message),
      [],
    );
  });
});
