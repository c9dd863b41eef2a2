/**
 * The binding seam, proven from outside: a transport that core, the reactor and the
 * stream package know nothing about, a Unix socket whose server greets with one "ready"
 * byte, built only from a binding and `listenStream`/`connectStream`. The client's stream
 * is "connected" only once the byte arrived (as TLS waits for `secureConnect`).
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ConnectError, ConnectionDone, TimeoutError, UNIXAddress, type IAddress } from "@torsion/core";
import {
  connectStream,
  listenStream,
  type PrepareOutcome,
  type SocketAddresses,
  type StreamConnectorTarget,
  type StreamPortBinding,
} from "@torsion/stream";
import { listenSync } from "@torsion/stream/internal";
import { FakeTransportHost as TestHost } from "@torsion/testing";
import { OrderFactory, Recorder, RecordingFactory, waitFor } from "./helpers.js";

const READY = 0x52; // "R"
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "torsion-binding-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let next = 0;

/** Server side: greets each accepted socket with `greeting` once `release` is called. */
class GreetingServer implements StreamPortBinding {
  readonly noDelay = false;
  readonly resetOnAbort = false;
  readonly path = path.join(dir, `greet-${next++}.sock`);
  readonly #waiting: (() => void)[] = [];
  constructor(
    private readonly greeting: Buffer,
    private readonly held = false,
  ) {}
  bind(server: net.Server): void {
    const result = listenSync(server, { path: this.path });
    if (result.state === "failed") throw result.error;
  }
  localAddress(): IAddress {
    return new UNIXAddress(this.path);
  }
  addresses(): SocketAddresses {
    return { peer: new UNIXAddress(null), local: new UNIXAddress(this.path) };
  }
  prepare(socket: net.Socket, outcome: PrepareOutcome): void {
    const greet = () => {
      socket.write(this.greeting);
      outcome.ready(socket);
    };
    if (this.held) this.#waiting.push(greet);
    else greet();
  }
  /** How many accepted sockets wait for their greeting. */
  get heldCount(): number {
    return this.#waiting.length;
  }
  /** Sends the held greetings. */
  release(): void {
    for (const greet of this.#waiting.splice(0)) greet();
  }
  cleanup(): void {
    fs.rmSync(this.path, { force: true });
  }
}

/** Client side: the stream is ready once the server's "R" arrived; anything else fails. */
class GreetedClient implements StreamConnectorTarget {
  readonly noDelay = false;
  readonly resetOnAbort = false;
  readonly destination: UNIXAddress;
  constructor(private readonly path: string) {
    this.destination = new UNIXAddress(path);
  }
  open(): net.Socket {
    return net.connect({ path: this.path, allowHalfOpen: true });
  }
  addresses(): SocketAddresses {
    return { peer: this.destination, local: new UNIXAddress(null) };
  }
  prepare(socket: net.Socket, outcome: PrepareOutcome): void {
    const onReadable = (): void => {
      const byte = socket.read(1) as Buffer | null;
      if (byte === null) return;
      socket.removeListener("readable", onReadable);
      if (byte[0] === READY) outcome.ready(socket);
      else outcome.fail(new Error(`bad greeting ${byte.toString("hex")}`));
    };
    socket.on("readable", onReadable);
  }
}

class Greeter extends Recorder {
  override connectionMade(): void {
    super.connectionMade();
    this.transport?.write(Buffer.from("hello"));
  }
}

describe("a custom stream binding (Unix socket with a ready byte)", () => {
  it("declares the client connected only after the ready byte, and hands the protocol only what follows", async () => {
    const host = new TestHost();
    const binding = new GreetingServer(Buffer.from([READY]), true);
    const serverFactory = new RecordingFactory(Greeter);
    const port = listenStream(host, serverFactory, binding);
    const client = new OrderFactory(Recorder);
    const connector = connectStream(host, client, new GreetedClient(binding.path), { timeout: 5 });
    try {
      await waitFor(() => binding.heldCount === 1, 5000, "the server to accept and hold its greeting");
      assert.equal(connector.state, "connecting", "not connected before the ready byte");
      assert.deepEqual(client.log, ["doStart", "startedConnecting"]);
      assert.equal(serverFactory.built.length, 0, "the server builds nothing before it is ready either");
      binding.release();
      await waitFor(() => client.built[0]?.received === 5, 5000, "the server's hello");
      assert.equal(client.built[0]?.bytes().toString(), "hello", "the ready byte is the binding's, not the protocol's");
      assert.equal(connector.state, "connected");
      assert.deepEqual(client.log.slice(0, 5), ["doStart", "startedConnecting", "buildProtocol", "connectionMade", "dataReceived"]);
      client.built[0]?.transport?.write(Buffer.from("back"));
      await waitFor(() => serverFactory.built[0]?.received === 4);
      client.built[0]?.transport?.loseConnection();
      await waitFor(() => client.lost !== null && serverFactory.built[0]?.lostCount === 1);
      assert.ok(client.lost?.value instanceof ConnectionDone);
      assert.equal(host.errors.length, 0);
    } finally {
      await port.stopListening().asPromise();
      host.dispose();
    }
  });

  it("fails the attempt with the binding's error when the greeting is wrong, and on the connect timeout when none comes", async () => {
    const host = new TestHost();
    const wrong = new GreetingServer(Buffer.from("X"));
    const silent = new GreetingServer(Buffer.from([READY]), true);
    const ports = [listenStream(host, new RecordingFactory(Recorder), wrong), listenStream(host, new RecordingFactory(Recorder), silent)];
    try {
      const refused = new OrderFactory(Recorder);
      connectStream(host, refused, new GreetedClient(wrong.path), { timeout: 5 });
      const waiting = new OrderFactory(Recorder);
      connectStream(host, waiting, new GreetedClient(silent.path), { timeout: 0.2 });
      await waitFor(() => refused.failure !== null, 5000, "the bad greeting to fail its attempt");
      host.advance(0.2); // the host's clock runs the connect timeout
      await waitFor(() => waiting.failure !== null, 5000, "the connect timeout");
      assert.ok(refused.failure?.value instanceof ConnectError);
      assert.match((refused.failure?.value.cause as Error).message, /bad greeting 58/);
      assert.ok(waiting.failure?.value instanceof TimeoutError);
      for (const factory of [refused, waiting])
        assert.deepEqual(factory.log, ["doStart", "startedConnecting", "clientConnectionFailed", "doStop"]);
    } finally {
      for (const port of ports) await port.stopListening().asPromise();
      host.dispose();
    }
  });
});
