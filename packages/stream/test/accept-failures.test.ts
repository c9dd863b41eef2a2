import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { ipAddress, type IDelayedCall, type IPv4Address, type IShutdownResource, type ITransportHost } from "@torsion/core";
import { AcceptError, listenStream, type StreamPort, type StreamPortBinding } from "@torsion/stream";
import { listenSync } from "@torsion/stream/internal";
import { connectTCP } from "@torsion/tcp";
import { Clock } from "@torsion/testing";
import { Echo, OrderFactory, Recorder, RecordingFactory, waitFor } from "./helpers.js";

/** A host on the test Clock that records reports. */
class ClockHost implements ITransportHost {
  readonly clock = new Clock();
  readonly errors: { error: unknown; context: string }[] = [];
  seconds(): number {
    return this.clock.seconds();
  }
  callLater<A extends unknown[]>(delay: number, fn: (...args: A) => unknown, ...args: A): IDelayedCall {
    return this.clock.callLater(delay, fn, ...args);
  }
  getDelayedCalls(): IDelayedCall[] {
    return this.clock.getDelayedCalls();
  }
  registerResource(resource: IShutdownResource): () => void {
    return () => undefined;
  }
  reportError(error: unknown, context: string): void {
    this.errors.push({ error, context });
  }
}

/** A TCP binding on 127.0.0.1 that hands its server to the test (the accept-failure seam). */
class ExposedServerBinding implements StreamPortBinding {
  readonly noDelay = true;
  readonly resetOnAbort = false;
  server: net.Server | null = null;
  createServer(options: net.ServerOpts, onConnection: (socket: net.Socket) => void): net.Server {
    this.server = net.createServer(options, onConnection);
    return this.server;
  }
  bind(server: net.Server): void {
    const result = listenSync(server, { port: 0, host: "127.0.0.1" });
    if (result.state !== "listening") throw new Error(`test binding could not listen: ${result.state}`);
  }
  localAddress(server: net.Server): IPv4Address {
    const { port } = server.address() as net.AddressInfo;
    return ipAddress("TCP", "127.0.0.1", port);
  }
  addresses(socket: net.Socket) {
    return {
      peer: ipAddress("TCP", socket.remoteAddress ?? "", socket.remotePort ?? 0),
      local: ipAddress("TCP", "127.0.0.1", socket.localPort ?? 0),
    };
  }
}

/** What libuv's accept callback makes Node emit when the process is out of descriptors. */
function acceptError(code = "EMFILE"): Error {
  return Object.assign(new Error(`accept ${code}`), { code, errno: -24, syscall: "accept" });
}

const ports: StreamPort[] = [];
after(async () => {
  for (const port of ports) await port.stopListening().asPromise();
});

function open(): { host: ClockHost; binding: ExposedServerBinding; port: StreamPort } {
  const host = new ClockHost();
  const binding = new ExposedServerBinding();
  const port = listenStream(host, new RecordingFactory(Echo), binding);
  ports.push(port);
  return { host, binding, port };
}

function reported(host: ClockHost): { count: number; errno: string }[] {
  return host.errors.map(({ error }) => {
    assert.ok(error instanceof AcceptError, `an AcceptError, not ${String(error)}`);
    return { count: error.count, errno: error.errno };
  });
}

describe("accept failures (EMFILE/ENFILE)", () => {
  it("are reported at once, then at most once per second on the port's clock, with the count", () => {
    const { host, binding } = open();
    const server = binding.server as net.Server;
    server.emit("error", acceptError());
    assert.deepEqual(reported(host), [{ count: 1, errno: "EMFILE" }], "the first failure is reported at once");
    for (let i = 0; i < 40; i++) server.emit("error", acceptError());
    host.clock.advance(0.5);
    assert.equal(host.errors.length, 1, "nothing more within the second");
    host.clock.advance(0.5);
    assert.deepEqual(reported(host)[1], { count: 40, errno: "EMFILE" }, "the burst, counted, one second later");
    host.clock.advance(0.2);
    server.emit("error", acceptError("ENFILE"));
    host.clock.advance(0.7);
    assert.equal(host.errors.length, 2);
    host.clock.advance(0.1);
    assert.deepEqual(reported(host)[2], { count: 1, errno: "ENFILE" });
    host.clock.advance(5);
    server.emit("error", acceptError());
    assert.equal(host.errors.length, 4, "after a quiet while, at once again");
    assert.match((host.errors[3]?.error as Error).message, /Could not accept new connection \(EMFILE\)/);
    assert.equal(((host.errors[3]?.error as Error).cause as { code: string }).code, "EMFILE");
  });

  it("ignore other server errors and stop with the port, which keeps serving meanwhile", async () => {
    const { host, binding, port } = open();
    const server = binding.server as net.Server;
    server.emit("error", Object.assign(new Error("something else"), { code: "EINVAL", syscall: "listen" }));
    assert.equal(host.errors.length, 0);
    server.emit("error", acceptError());
    server.emit("error", acceptError());
    const client = new OrderFactory(Recorder);
    connectTCP(host, "127.0.0.1", (port.getHost() as IPv4Address).port, client, { timeout: 0 });
    await waitFor(() => client.built[0]?.connected === true, 5000, "a connection after the failures");
    client.built[0]?.transport?.write(Buffer.from("hi"));
    await waitFor(() => client.built[0]?.received === 2);
    client.built[0]?.transport?.loseConnection();
    await waitFor(() => client.built[0]?.lostCount === 1);
    await port.stopListening().asPromise();
    assert.equal(host.clock.getDelayedCalls().length, 0, "the pending report was cancelled");
    host.clock.advance(2);
    assert.equal(host.errors.length, 1);
  });
});
