import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import type { IPv4Address, ITCPTransport } from "@torsion/core";
import { AlreadyListeningError, type StreamPort } from "@torsion/stream";
import { listenTCP } from "@torsion/tcp";
import { Echo, OrderFactory, Recorder, RecordingFactory, waitFor } from "./helpers.js";
import { FakeTransportHost } from "@torsion/testing";

const host = new FakeTransportHost();
const ports: StreamPort[] = [];
after(async () => {
  for (const port of ports) await port.stopListening().asPromise();
  host.dispose();
});

function open(factory: RecordingFactory<Echo | Recorder>): StreamPort {
  const port = listenTCP(host, 0, factory, { interface: "127.0.0.1" });
  ports.push(port);
  return port;
}

/**
 * Connects a raw socket and sends one byte: `"closed"` when the server closes it without
 * answering, `"open"` when an Echo server answers (event-driven; rejects after 5 s).
 */
function rawClose(port: number): Promise<"closed" | "open"> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("the server neither answered nor closed within 5 s"));
    }, 5000);
    const done = (result: "closed" | "open"): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    socket.on("error", () => {});
    socket.on("connect", () => socket.write("?"));
    socket.on("data", () => done("open"));
    socket.on("close", () => done("closed"));
  });
}

describe("StreamPort", () => {
  it("reports a throwing buildProtocol, closes that socket, and keeps accepting", async () => {
    host.errors.length = 0;
    let calls = 0;
    class Flaky extends RecordingFactory<Echo> {
      override buildProtocol(addr: Parameters<RecordingFactory<Echo>["buildProtocol"]>[0]): Echo | null {
        calls++;
        if (calls === 1) throw new Error("factory bug");
        return super.buildProtocol(addr);
      }
    }
    const port = open(new Flaky(Echo));
    const number = (port.getHost() as IPv4Address).port;
    assert.equal(await rawClose(number), "closed");
    assert.equal(host.errors.length, 1);
    assert.match(String(host.errors[0]?.error), /factory bug/);
    const client = new OrderFactory(Recorder);
    const { connectTCP } = await import("@torsion/tcp");
    connectTCP(host, "127.0.0.1", number, client);
    await waitFor(() => client.built[0]?.connected === true);
    (client.built[0]?.transport as ITCPTransport).write(Buffer.from("x"));
    await waitFor(() => client.built[0]?.received === 1);
    (client.built[0]?.transport as ITCPTransport).loseConnection();
    await waitFor(() => client.built[0]?.lostCount === 1);
  });

  it("aborts a connection whose connectionMade throws, with that error as the reason", async () => {
    host.errors.length = 0;
    const bug = new Error("connectionMade bug");
    class Broken extends Recorder {
      override connectionMade(): void {
        super.connectionMade();
        throw bug;
      }
    }
    const factory = new RecordingFactory(Broken);
    const port = open(factory);
    assert.equal(await rawClose((port.getHost() as IPv4Address).port), "closed");
    await waitFor(() => factory.built[0]?.lostCount === 1);
    assert.equal(factory.built[0]?.reason?.value, bug);
    assert.equal(host.errors[0]?.error, bug);
  });

  it("can listen again after stopListening, and refuses to listen twice", async () => {
    const factory = new RecordingFactory(Echo);
    const port = open(factory);
    assert.throws(() => port.startListening(), AlreadyListeningError);
    await port.stopListening().asPromise();
    port.startListening();
    assert.deepEqual(factory.log, ["startFactory", "stopFactory", "startFactory"]);
    assert.equal(await rawClose((port.getHost() as IPv4Address).port), "open");
  });

  it("stops listening when the host shuts it down", async () => {
    const factory = new RecordingFactory(Echo);
    const port = open(factory);
    assert.ok(host.resources.has(port));
    await port.shutdown(1);
    assert.ok(!host.resources.has(port));
    assert.deepEqual(factory.log, ["startFactory", "stopFactory"]);
  });
});
