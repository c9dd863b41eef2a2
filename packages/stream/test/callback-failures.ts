/**
 * "Nothing crashes the reactor", over real sockets: every callback a stream transport,
 * port or connector calls fails, with every hostile value and in every way (throw,
 * rejected promise, failed Deferred). Each failure is reported once, aborts only its
 * own connection (with the value as the reason), and the port keeps serving. Run with
 * `describeCallbackFailures(name, endpoints)` (TCP here, Unix in `@torsion/unix`).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ClientFactory,
  ConnectionDone,
  Factory,
  type CallbackResult,
  type IClientFactory,
  type IConnector,
  type IProtocolFactory,
  type ITCPTransport,
} from "@torsion/core";
import { Failure } from "@torsion/defer";
import type { StreamConnector, StreamPort } from "@torsion/stream";
import { FakeTransportHost as TestHost } from "@torsion/testing";
import { Echo, HalfCloseRecorder, Recorder, waitFor } from "./helpers.js";
import { carries, FAILURE_MODES, hostileValues, thrownOf, type FailureMode } from "./hostile-values.js";

/** How to listen and connect over the transport under test. */
export interface Endpoints {
  listen(host: TestHost, factory: IProtocolFactory): StreamPort;
  connect(host: TestHost, port: StreamPort, factory: IClientFactory): StreamConnector;
  /** Removes what `listen` left behind (temp dirs). */
  dispose?(): void;
}

type ProtocolCallback = "connectionMade" | "dataReceived" | "readConnectionLost" | "writeConnectionLost" | "connectionLost";

/** A server protocol whose `where` callback fails with `fail()`. */
class Faulty extends HalfCloseRecorder {
  constructor(
    private readonly where: ProtocolCallback,
    private readonly fail: () => CallbackResult,
  ) {
    super();
  }
  override connectionMade(): CallbackResult {
    super.connectionMade();
    if (this.where === "writeConnectionLost") (this.transport as ITCPTransport | null)?.loseWriteConnection();
    return this.where === "connectionMade" ? this.fail() : undefined;
  }
  override dataReceived(data: Buffer): CallbackResult {
    super.dataReceived(data);
    return this.where === "dataReceived" ? this.fail() : undefined;
  }
  override readConnectionLost(): CallbackResult {
    super.readConnectionLost();
    if (this.where === "connectionLost") this.transport?.loseConnection();
    return this.where === "readConnectionLost" ? this.fail() : undefined;
  }
  override writeConnectionLost(): CallbackResult {
    super.writeConnectionLost();
    return this.where === "writeConnectionLost" ? this.fail() : undefined;
  }
  override connectionLost(reason: Failure): CallbackResult {
    super.connectionLost(reason);
    return this.where === "connectionLost" ? this.fail() : undefined;
  }
}

/** Makes the client side do what triggers `where` on the server. */
function provoke(where: ProtocolCallback, client: ITCPTransport): void {
  if (where === "dataReceived") client.write(Buffer.from("x"));
  if (where === "readConnectionLost") client.loseWriteConnection();
  if (where === "connectionLost") client.loseWriteConnection(); // the server then closes cleanly
}

class ClientOf extends ClientFactory<Recorder> {
  readonly built: Recorder[] = [];
  override noisy = false;
  override buildProtocol(): Recorder {
    const protocol = new Recorder();
    this.built.push(protocol);
    return protocol;
  }
}

/** One server connection per value fails in `where`; an echo connection stays untouched. */
async function oneCallback(endpoints: Endpoints, where: ProtocolCallback, mode: FailureMode): Promise<void> {
  const host = new TestHost();
  const values = hostileValues();
  const built: Faulty[] = [];
  let next = 0;
  const factory = new (class extends Factory {
    override noisy = false;
    override buildProtocol(): Echo | Faulty {
      if (next === 0) {
        next++;
        return new Echo();
      }
      const value = values[next++ - 1]?.value;
      const protocol = new Faulty(where, () => mode.run(value));
      built.push(protocol);
      return protocol;
    }
  })();
  const port = endpoints.listen(host, factory);
  try {
    const goodClient = new ClientOf();
    endpoints.connect(host, port, goodClient);
    await waitFor(() => goodClient.built[0]?.connected === true, 5000, "the untouched connection");
    for (const [i, { name, value }] of values.entries()) {
      const client = new ClientOf();
      endpoints.connect(host, port, client);
      await waitFor(() => built[i] !== undefined && client.built[0] !== undefined, 5000, `connection for ${name}`);
      if (client.built[0]?.connected === true) provoke(where, client.built[0].transport);
      await waitFor(() => built[i]?.lostCount === 1 && host.errors.length === i + 1, 5000, `${where} failing with ${name}`);
      const report = host.errors[i];
      assert.equal(thrownOf(Failure.from(report?.error).value), value, `${name}: the report carries the value`);
      if (where === "connectionLost")
        assert.ok(built[i]?.reason?.value instanceof ConnectionDone, `${name}: a failing connectionLost changes nothing`);
      else assert.ok(carries(built[i]?.reason ?? null, value), `${name}: the connection is aborted with the value as the reason`);
      await waitFor(() => client.built[0]?.lostCount === 1, 5000, `the client of ${name} sees the close`);
    }
    const good = goodClient.built[0] as Recorder;
    good.transport.write(Buffer.from("still here"));
    await waitFor(() => good.received === 10, 5000, "the untouched connection echoes");
    assert.equal(good.lostCount, 0);
    assert.equal(host.errors.length, values.length, "each failure reported exactly once");
    good.transport.loseConnection();
    await waitFor(() => good.lostCount === 1);
  } finally {
    await port.stopListening().asPromise();
    host.dispose();
  }
}

type FactoryCallback = "buildProtocol" | "doStart" | "doStop";
type ClientCallback = "startedConnecting" | "clientConnectionFailed" | "clientConnectionLost" | "doStart" | "doStop" | "buildProtocol";

/** A server factory whose `where` fails with `value`; the port must keep working. */
async function serverFactory(endpoints: Endpoints, where: FactoryCallback, mode: FailureMode, value: unknown): Promise<void> {
  const host = new TestHost();
  let first = true;
  const factory = new (class extends Factory {
    override noisy = false;
    override buildProtocol(): Echo {
      if (where === "buildProtocol" && first) {
        first = false;
        const result = mode.run(value);
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- this test throws exactly what the failure mode made (a rejected promise or failed Deferred), to check that the value reported is the one thrown
        if (result !== undefined) throw result; // buildProtocol is synchronous: a failed promise cannot be returned
      }
      return new Echo();
    }
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- core declares this factory callback `void`, yet the port/connector must accept and report a returned promise (README "Async handlers"): this test checks that
    override doStart(): CallbackResult {
      return where === "doStart" ? mode.run(value) : undefined;
    }
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- core declares this factory callback `void`, yet the port/connector must accept and report a returned promise (README "Async handlers"): this test checks that
    override doStop(): CallbackResult {
      return where === "doStop" ? mode.run(value) : undefined;
    }
  })();
  const port = endpoints.listen(host, factory);
  try {
    if (where === "buildProtocol") {
      const refused = new ClientOf();
      endpoints.connect(host, port, refused);
      await waitFor(() => refused.built[0]?.lostCount === 1 && host.errors.length === 1, 5000, "the refused connection");
    }
    const client = new ClientOf();
    endpoints.connect(host, port, client);
    await waitFor(() => client.built[0]?.connected === true, 5000, "a connection after the failure");
    (client.built[0]?.transport as ITCPTransport).write(Buffer.from("ok"));
    await waitFor(() => client.built[0]?.received === 2, 5000, "an echo after the failure");
    client.built[0]?.transport?.loseConnection();
    await waitFor(() => client.built[0]?.lostCount === 1);
  } finally {
    await port.stopListening().asPromise();
    await waitFor(() => host.errors.length >= 1, 5000, "the report");
    host.dispose();
  }
  assert.equal(host.errors.length, 1, `reported once: ${host.errors.map((e) => e.context).join("; ")}`);
  assert.equal(thrownOf(Failure.from(host.errors[0]?.error).value), thrownOf(Failure.from(value).value));
}

/** A client factory whose `where` fails with `value`: reported once, nothing else changes. */
async function clientFactory(endpoints: Endpoints, where: ClientCallback, mode: FailureMode, value: unknown): Promise<void> {
  const host = new TestHost();
  const port = endpoints.listen(host, Factory.forProtocol(Echo));
  const events: string[] = [];
  const client = new (class extends ClientFactory<Recorder> {
    override noisy = false;
    readonly built: Recorder[] = [];
    #fail(at: string): CallbackResult {
      events.push(at);
      return where === at ? mode.run(value) : undefined;
    }
    override buildProtocol(): Recorder {
      events.push("buildProtocol");
      if (where === "buildProtocol") {
        const result = mode.run(value);
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- this test throws exactly what the failure mode made (a rejected promise or failed Deferred), to check that the value reported is the one thrown
        if (result !== undefined) throw result;
      }
      const protocol = new Recorder();
      this.built.push(protocol);
      return protocol;
    }
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- core declares this factory callback `void`, yet the port/connector must accept and report a returned promise (README "Async handlers"): this test checks that
    override doStart(): CallbackResult {
      super.doStart();
      return this.#fail("doStart");
    }
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- core declares this factory callback `void`, yet the port/connector must accept and report a returned promise (README "Async handlers"): this test checks that
    override doStop(): CallbackResult {
      super.doStop();
      return this.#fail("doStop");
    }
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- core declares this factory callback `void`, yet the port/connector must accept and report a returned promise (README "Async handlers"): this test checks that
    override startedConnecting(): CallbackResult {
      return this.#fail("startedConnecting");
    }
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- core declares this factory callback `void`, yet the port/connector must accept and report a returned promise (README "Async handlers"): this test checks that
    override clientConnectionFailed(): CallbackResult {
      return this.#fail("clientConnectionFailed");
    }
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- core declares this factory callback `void`, yet the port/connector must accept and report a returned promise (README "Async handlers"): this test checks that
    override clientConnectionLost(): CallbackResult {
      return this.#fail("clientConnectionLost");
    }
  })();
  try {
    const connector: IConnector = endpoints.connect(host, port, client);
    if (where === "clientConnectionFailed") connector.stopConnecting();
    else if (where !== "buildProtocol") {
      await waitFor(() => client.built[0]?.connected === true, 5000, "connected");
      client.built[0]?.transport?.loseConnection();
    }
    await waitFor(() => events.includes("doStop") && host.errors.length >= 1, 5000, "the attempt to end");
    assert.equal(host.errors.length, 1, `reported once: ${host.errors.map((e) => e.context).join("; ")}`);
    assert.equal(thrownOf(Failure.from(host.errors[0]?.error).value), thrownOf(Failure.from(value).value));
    if (where === "buildProtocol")
      assert.deepEqual(events, ["doStart", "startedConnecting", "buildProtocol", "clientConnectionFailed", "doStop"]);
  } finally {
    await port.stopListening().asPromise();
    host.dispose();
  }
}

/** Registers the callback-failure tests for one stream transport. */
export function describeCallbackFailures(name: string, endpoints: Endpoints): void {
  describe(`callback failures: ${name}`, () => {
    const callbacks: ProtocolCallback[] = ["connectionMade", "dataReceived", "readConnectionLost", "writeConnectionLost", "connectionLost"];
    for (const where of callbacks) {
      for (const mode of FAILURE_MODES) {
        it(`a ${where} that ${mode.name} (any value) is reported once and aborts only its connection`, () =>
          oneCallback(endpoints, where, mode));
      }
    }
    for (const where of ["buildProtocol", "doStart", "doStop"] as const) {
      for (const mode of FAILURE_MODES) {
        if (where === "buildProtocol" && mode.name !== "throws") continue;
        it(`a server factory's ${where} that ${mode.name} is reported once and the port keeps serving, for every hostile value`, async () => {
          for (const { value } of hostileValues()) await serverFactory(endpoints, where, mode, value);
        });
      }
    }
    for (const where of [
      "startedConnecting",
      "clientConnectionFailed",
      "clientConnectionLost",
      "doStart",
      "doStop",
      "buildProtocol",
    ] as const) {
      for (const mode of FAILURE_MODES) {
        if (where === "buildProtocol" && mode.name !== "throws") continue;
        it(`a client factory's ${where} that ${mode.name} is reported once, for every hostile value`, async () => {
          for (const { value } of hostileValues()) await clientFactory(endpoints, where, mode, value);
        });
      }
    }
  });
}
