import { strict as assert } from "node:assert";
import { after, before, describe, it } from "node:test";
import { ConnectionDone, Protocol, type IAddress, type IProtocol } from "@torsion/core";
import { Deferred, Failure, setErrorReporter, type ErrorReporter } from "@torsion/defer";
import {
  AMP,
  AmpBox,
  AmpProtocolError,
  BinaryBoxDecoder,
  Command,
  InvalidSignature,
  Integer,
  ProtocolSwitchCommand,
  StartTLS,
  TLSUnsupportedError,
  UnhandledCommand,
  UnknownRemoteError,
  Unicode,
  RESPONDER_FAILED_CONTEXT,
} from "@torsion/amp";
import { StringTransport, connectedServerAndClient, failureResultOf, successResultOf } from "@torsion/testing";

/** A StringTransport that counts write calls (a writeSequence counts once). */
class StringTransportCounting extends StringTransport {
  writes = 0;
  override write(data: Uint8Array): void {
    this.writes += 1;
    super.write(data);
  }
  override writeSequence(data: Iterable<Uint8Array>): void {
    this.writes += 1;
    super.write(Buffer.concat([...data]));
  }
}

class BadInput extends Error {}
class SubBad extends BadInput {}
class Fatal extends Error {}

const Sum = Command.define({
  commandName: "Sum",
  arguments: { a: Integer(), b: Integer() },
  response: { total: Integer() },
  errors: { BAD_INPUT: BadInput },
  fatalErrors: { FATAL: Fatal },
});
const Notify = Command.define({ commandName: "Notify", arguments: { text: Unicode() }, requiresAnswer: false });

function pair(options: ConstructorParameters<typeof AMP>[0] = {}) {
  return connectedServerAndClient({ buildProtocol: () => new AMP() }, { buildProtocol: () => new AMP(options) });
}

describe("AMP", () => {
  const reports: [unknown, string][] = [];
  let previous: ErrorReporter;
  before(() => {
    previous = setErrorReporter((error, context) => {
      reports.push([error, context]);
    });
  });
  after(() => setErrorReporter(previous));

  it("pairs out-of-order answers with their calls", () => {
    const { client, server, pump } = pair();
    const pending: Deferred<{ total: number }>[] = [];
    server.responder(Sum, () => {
      const d = new Deferred<{ total: number }>();
      pending.push(d);
      return d;
    });
    const calls = [0, 1, 2].map((a) => client.callRemote(Sum, { a, b: 0 }));
    pump.flush();
    [2, 0, 1].forEach((i) => pending[i]?.callback({ total: i * 10 }));
    pump.flush();
    assert.deepEqual(
      calls.map((d) => successResultOf(d).total),
      [0, 10, 20],
    );
  });

  it("answers an async responder", async () => {
    const { client, server, pump } = pair();
    server.responder(Sum, async ({ a, b }) => ({ total: a + b }));
    const call = client.callRemote(Sum, { a: 2, b: 3 });
    pump.flush();
    await new Promise((resolve) => setImmediate(resolve));
    pump.flush();
    assert.equal((await call).total, 5);
  });

  it("rebuilds a declared error (subclasses match) and keeps the connection", () => {
    const { client, server, pump } = pair();
    server.responder(Sum, () => {
      throw new SubBad("no thanks");
    });
    const call = client.callRemote(Sum, { a: 1, b: 2 });
    pump.flush();
    const failure = failureResultOf(call, BadInput);
    assert.equal(failure.value.constructor, BadInput);
    assert.equal(failure.value.message, "no thanks");
    assert.equal(server.transport?.disconnecting, false);
  });

  it("sends a fatal error and closes; an undeclared one is UNKNOWN, reported, and closes", () => {
    for (const [error, type] of [
      [new Fatal("boom"), Fatal],
      [new RangeError("oops"), UnknownRemoteError],
    ] as const) {
      const { client, server, pump } = pair();
      server.responder(Sum, () => {
        throw error;
      });
      const call = client.callRemote(Sum, { a: 1, b: 2 });
      pump.flush();
      failureResultOf(call, type);
      assert.equal(server.connected, false, "the server side closed");
    }
    assert.ok(reports.some(([, context]) => context === RESPONDER_FAILED_CONTEXT));
  });

  it("answers an unknown command with UNHANDLED and stays open", () => {
    const { client, pump } = pair();
    const call = client.callRemote(Sum, { a: 1, b: 2 });
    pump.flush();
    const failure = failureResultOf(call, UnhandledCommand);
    assert.equal((failure.value as UnhandledCommand).description, "Unhandled Command: b'Sum'");
    assert.equal(client.connected, true);
  });

  it("fails a missing argument as a Deferred and an unknown one synchronously", () => {
    const { client } = pair();
    failureResultOf(client.callRemote(Sum, { a: 1 } as unknown as { a: number; b: number }), InvalidSignature);
    assert.throws(() => client.callRemote(Sum, { a: 1, b: 2, c: 3 } as unknown as { a: number; b: number }), InvalidSignature);
  });

  it("fails outstanding and later calls with the connection-lost reason; no-answer calls do nothing", () => {
    const { client, server, pump } = pair();
    server.responder(Sum, () => new Deferred<{ total: number }>());
    const call = client.callRemote(Sum, { a: 1, b: 2 });
    pump.flush();
    client.transport?.loseConnection();
    pump.flush();
    failureResultOf(call, ConnectionDone);
    failureResultOf(client.callRemote(Sum, { a: 1, b: 2 }), ConnectionDone);
    // eslint-disable-next-line @typescript-eslint/no-confusing-void-expression -- asserts that a no-answer call returns nothing
    assert.equal(client.callRemote(Notify, { text: "late" }), undefined);
  });

  it("leaves the connection open on an unhandled client failure by default and reports it through the Deferred", async () => {
    const { client, server, pump } = pair();
    server.responder(Sum, () => {
      throw new BadInput("x");
    });
    const before = reports.length;
    void client.callRemote(Sum, { a: 1, b: 2 });
    pump.flush();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(client.transport?.disconnecting, false);
    assert.ok(reports.length > before, "the unhandled failure is reported");
  });

  it("closes on an unhandled client failure with closeOnUnhandled, as Twisted does", () => {
    const { client, server, pump } = pair({ closeOnUnhandled: true });
    server.responder(Sum, () => {
      throw new BadInput("x");
    });
    void client.callRemote(Sum, { a: 1, b: 2 });
    pump.flush();
    assert.equal(client.connected, false);
  });

  it("drops the connection on an empty box with a typed error that outstanding calls get", () => {
    const { client, server, pump } = pair();
    server.responder(Sum, () => new Deferred<{ total: number }>());
    const call = client.callRemote(Sum, { a: 1, b: 2 });
    pump.flush();
    server.transport?.write(new AmpBox().serialize());
    pump.flush();
    const failure = failureResultOf(call, AmpProtocolError);
    assert.equal((failure.value as AmpProtocolError).reason, "noEmptyBoxes");
  });

  it("fails StartTLS with a typed error when the transport cannot start TLS, sending nothing", () => {
    const { client, server, pump } = pair();
    let received = 0;
    server.boxResponder("StartTLS", () => {
      received += 1;
      return new AmpBox();
    });
    failureResultOf(client.callRemote(StartTLS, {}), TLSUnsupportedError);
    pump.flush();
    assert.equal(received, 0);
  });

  it("switches both sides to another protocol after a ProtocolSwitchCommand, handing over later bytes", () => {
    const Switch = ProtocolSwitchCommand.define({ commandName: "Switch", arguments: { name: Unicode() } });
    const got: string[] = [];
    class Echo extends Protocol {
      override dataReceived(data: Buffer): void {
        got.push(`server:${data.toString()}`);
        this.transport?.write(Buffer.from(data.toString().toUpperCase()));
      }
    }
    class Reader extends Protocol {
      override dataReceived(data: Buffer): void {
        got.push(`client:${data.toString()}`);
      }
    }
    const { client, server, pump } = pair();
    server.responder(Switch, (): IProtocol => new Echo());
    const factory = {
      buildProtocol: (_address: IAddress) => new Reader(),
      clientConnectionFailed: (_c: null, _r: Failure) => assert.fail("not refused"),
      clientConnectionLost: (_c: null, _r: Failure) => got.push("lost"),
    };
    const call = client.switchProtocol(Switch, factory, { name: "echo" });
    pump.flush();
    successResultOf(call);
    client.transport?.write(Buffer.from("hi"));
    pump.flush();
    assert.deepEqual(got, ["server:hi", "client:HI"]);
    assert.throws(() => client.callRemote(Sum, { a: 1, b: 2 }));
  });
});

describe("AMP write coalescing", () => {
  function run(coalesceWrites: boolean, closeInResponder: boolean): { writes: number; bytes: string; answers: number } {
    const server = new AMP({ coalesceWrites });
    let calls = 0;
    server.responder(Sum, ({ a, b }) => {
      calls += 1;
      if (closeInResponder && calls === 3) server.transport?.loseConnection();
      return { total: a + b };
    });
    const transport = new StringTransportCounting();
    server.makeConnection(transport);
    const requests = [1, 2, 3, 4].map((a) =>
      new AmpBox({
        _command: Buffer.from("Sum"),
        _ask: Buffer.from(String(a)),
        a: Buffer.from(String(a)),
        b: Buffer.from("1"),
      }).serialize(),
    );
    server.dataReceived(Buffer.concat(requests));
    const bytes = transport.value();
    return { writes: transport.writes, bytes: bytes.toString("hex"), answers: bytes.toString("latin1").split("_answer").length - 1 };
  }

  it("writes the answers to one chunk's commands with one writeSequence, the same bytes as one write per box", () => {
    const single = run(false, false);
    const batched = run(true, false);
    assert.equal(single.writes, 4);
    assert.equal(batched.writes, 1);
    assert.equal(batched.bytes, single.bytes);
  });

  it("flushes pending answers before a responder's own loseConnection", () => {
    const batched = run(true, true);
    // The two answers made before the close are sent; the closing command's own answer comes
    // after loseConnection, when the transport contract accepts no more writes (as a real one).
    assert.equal(batched.answers, 2, "the answers made before the close are sent");
    assert.equal(batched.bytes, run(false, true).bytes);
  });
});

describe("AMP StartTLS over a transport that has startTLS", () => {
  class TLSTransport extends StringTransport {
    readonly started: unknown[] = [];
    startTLS(options: unknown): void {
      this.started.push(options);
    }
  }

  it("holds later boxes until the answer, starts TLS on both sides with their options, then sends them", () => {
    const client = new AMP({ coalesceWrites: false, tlsOptions: "client-options" });
    const server = new AMP({ coalesceWrites: false, tlsOptions: "server-options" });
    server.responder(Sum, ({ a, b }) => ({ total: a + b }));
    const clientTransport = new TLSTransport();
    const serverTransport = new TLSTransport();
    client.makeConnection(clientTransport);
    server.makeConnection(serverTransport);
    const tls = client.callRemote(StartTLS, {});
    const sum = client.callRemote(Sum, { a: 1, b: 2 });
    const request = clientTransport.value();
    clientTransport.clear();
    assert.equal(request.toString("latin1").includes("Sum"), false, "the Sum box is held");
    server.dataReceived(request);
    assert.deepEqual(serverTransport.started, ["server-options"]);
    client.dataReceived(serverTransport.value());
    serverTransport.clear();
    assert.deepEqual(clientTransport.started, ["client-options"]);
    successResultOf(tls);
    server.dataReceived(clientTransport.value());
    client.dataReceived(serverTransport.value());
    assert.equal(successResultOf(sum).total, 3);
    assert.throws(
      () => client.callRemote(StartTLS, {}),
      (e: unknown) => e instanceof Error && e.name === "OnlyOneTLS",
    );
  });

  it("answers StartTLS with UNHANDLED when the server's transport cannot start TLS", () => {
    const client = new AMP({ coalesceWrites: false });
    const server = new AMP({ coalesceWrites: false });
    const clientTransport = new TLSTransport();
    const serverTransport = new StringTransport();
    client.makeConnection(clientTransport);
    server.makeConnection(serverTransport);
    const tls = client.callRemote(StartTLS, {});
    server.dataReceived(clientTransport.value());
    client.dataReceived(serverTransport.value());
    failureResultOf(tls, UnhandledCommand);
    assert.deepEqual(clientTransport.started, []);
    assert.equal(clientTransport.disconnecting, false, "nothing was held, so the connection stays usable");
  });

  it("never sends boxes held for TLS in the clear when StartTLS fails: it closes instead", () => {
    const client = new AMP({ coalesceWrites: false });
    const server = new AMP({ coalesceWrites: false });
    const clientTransport = new TLSTransport();
    const serverTransport = new StringTransport();
    client.makeConnection(clientTransport);
    server.makeConnection(serverTransport);
    const tls = client.callRemote(StartTLS, {});
    const held = client.callRemote(Sum, { a: 1, b: 2 });
    const sent = clientTransport.value().length;
    server.dataReceived(clientTransport.value());
    client.dataReceived(serverTransport.value());
    failureResultOf(tls, UnhandledCommand);
    assert.equal(clientTransport.value().length, sent, "the held Sum box was not written");
    assert.equal(clientTransport.disconnecting, true);
    client.connectionLost(new Failure(new ConnectionDone()));
    failureResultOf(held, ConnectionDone);
  });
});

describe("AMP low-level calls and locators", () => {
  it("callRemoteString sends raw bytes and resolves to the answer box; a locator answers commands not registered", () => {
    const locator = {
      locateResponder: (name: string) =>
        name === "Upper"
          ? (box: AmpBox) => new AmpBox({ text: Buffer.from((box.get("text") ?? Buffer.alloc(0)).toString().toUpperCase()) })
          : undefined,
    };
    const { client, pump } = connectedServerAndClient({ buildProtocol: () => new AMP({ locator }) }, { buildProtocol: () => new AMP() });
    const answer = client.callRemoteString("Upper", { text: Buffer.from("shout") });
    const missing = client.callRemoteString("Lower", {});
    assert.equal(client.callRemoteString("Upper", { text: Buffer.from("x") }, { requiresAnswer: false }), null);
    pump.flush();
    assert.equal(
      successResultOf(answer as Deferred<AmpBox>)
        .get("text")
        ?.toString(),
      "SHOUT",
    );
    failureResultOf(missing as Deferred<AmpBox>, UnhandledCommand);
  });
});

describe("AMP's batched writes and tags", () => {
  const Echo = Command.define({ commandName: "Echo", arguments: { text: Unicode() }, response: { text: Unicode() } });

  function requestsFor(values: string[]): Buffer {
    return Buffer.concat(
      values.map((text, i) =>
        new AmpBox({ _command: Buffer.from("Echo"), _ask: Buffer.from(String(i + 1)), text: Buffer.from(text) }).serialize(),
      ),
    );
  }

  it("keeps the order of small and big answers in one batch, the same bytes as one write per box", () => {
    const texts = ["a", "b".repeat(5000), "c", "d".repeat(60_000), "e"];
    const run = (coalesceWrites: boolean): { writes: number; bytes: Buffer } => {
      const server = new AMP({ coalesceWrites });
      server.responder(Echo, ({ text }) => ({ text }));
      const transport = new StringTransportCounting();
      server.makeConnection(transport);
      server.dataReceived(requestsFor(texts));
      return { writes: transport.writes, bytes: transport.value() };
    };
    const single = run(false);
    const batched = run(true);
    assert.equal(single.writes, texts.length);
    assert.equal(batched.writes, 1);
    assert.deepEqual(batched.bytes, single.bytes);
  });

  it("keeps two connections' batches apart when one's responder feeds the other", () => {
    const inner = new AMP();
    inner.responder(Echo, ({ text }) => ({ text: `inner ${text}` }));
    const innerTransport = new StringTransport();
    inner.makeConnection(innerTransport);
    const outer = new AMP();
    outer.responder(Echo, ({ text }) => {
      inner.dataReceived(requestsFor([text]));
      return { text: `outer ${text}` };
    });
    const outerTransport = new StringTransport();
    outer.makeConnection(outerTransport);
    outer.dataReceived(requestsFor(["x", "y"]));
    const answers = (transport: StringTransport): string[] => {
      const decoder = new BinaryBoxDecoder();
      decoder.feed(transport.value());
      const texts: string[] = [];
      for (let box = decoder.next(); box !== undefined; box = decoder.next()) texts.push(box.getString("text") ?? "");
      return texts;
    };
    assert.deepEqual(answers(outerTransport), ["outer x", "outer y"]);
    assert.deepEqual(answers(innerTransport), ["inner x", "inner y"]);
  });

  it("writes Integer values as Python's int() digits whatever their sign or size", () => {
    const Values = Command.define({ commandName: "Values", arguments: { a: Integer(), b: Integer(), c: Integer(), d: Integer() } });
    const transport = new StringTransport();
    const client = new AMP({ coalesceWrites: false });
    client.makeConnection(transport);
    const values = { a: -0, b: -9_007_199_254_740_991, c: 10n ** 30n, d: 1_000_000 };
    void client.callRemote(Values, values);
    const expected = new AmpBox({
      _command: Buffer.from("Values"),
      _ask: Buffer.from("1"),
      a: Buffer.from("0"),
      b: Buffer.from("-9007199254740991"),
      c: Buffer.from(`1${"0".repeat(30)}`),
      d: Buffer.from("1000000"),
    }).serialize();
    assert.deepEqual(transport.value(), expected);
  });

  it("writes integer arguments as String(value) does, across the int32 boundary and up to 2^53", () => {
    const client = new AMP();
    const transport = new StringTransport();
    client.makeConnection(transport);
    const values = [0, -0, 1, -1, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 32, 123456789012345];
    values.push(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 999999999999999, 1000000000000000);
    values.forEach((value, i) => {
      transport.clear();
      client.callRemote(Sum, { a: value, b: 1 });
      const expected = new AmpBox({
        _command: Buffer.from("Sum"),
        _ask: Buffer.from((i + 1).toString(16)),
        a: Buffer.from(value === 0 ? "0" : String(value)),
        b: Buffer.from("1"),
      }).serialize();
      assert.deepEqual(transport.value(), expected, `value ${value}`);
    });
  });

  it("answers each tag with its exact bytes, hex or not", () => {
    const server = new AMP();
    server.responder(Sum, ({ a, b }) => ({ total: a + b }));
    const transport = new StringTransport();
    server.makeConnection(transport);
    const tags = [
      "1",
      "ff",
      "a0",
      "7fffffff",
      "80000000",
      "123456789ab",
      "1000000000000",
      "fffffffffffff",
      "1fffffffffffff",
      "0a",
      "A",
      "x y",
      "",
    ];
    for (const tag of tags) {
      transport.clear();
      server.dataReceived(
        new AmpBox({ _command: Buffer.from("Sum"), _ask: Buffer.from(tag), a: Buffer.from("2"), b: Buffer.from("3") }).serialize(),
      );
      const expected = new AmpBox({ _answer: Buffer.from(tag), total: Buffer.from("5") }).serialize();
      assert.deepEqual(transport.value(), expected, `tag ${JSON.stringify(tag)}`);
    }
    assert.equal(transport.disconnecting, false);
  });

  it("pairs answers with calls while one call waits through hundreds of later ones, in any order", () => {
    const client = new AMP();
    const transport = new StringTransport();
    client.makeConnection(transport);
    const totals = new Map<number, number>();
    const call = (a: number): void => {
      client.callRemote(Sum, { a, b: 1 }).addCallback(({ total }) => totals.set(a, total));
    };
    call(0); // tag 1: answered last
    for (let a = 1; a < 300; a += 1) call(a); // tags 2..300
    assert.equal(client.outstandingTags.length, 300);
    assert.deepEqual(client.outstandingTags.slice(0, 3), ["1", "2", "3"]);
    const answer = (tag: number, total: number): Buffer =>
      new AmpBox({ _answer: Buffer.from(tag.toString(16)), total: Buffer.from(String(total)) }).serialize();
    // Tags 300 down to 2 (a = tag - 1), then tag 1.
    for (let tag = 300; tag >= 2; tag -= 1) client.dataReceived(answer(tag, tag));
    assert.deepEqual(client.outstandingTags, ["1"]);
    client.dataReceived(answer(1, 1));
    assert.deepEqual(client.outstandingTags, []);
    assert.equal(totals.size, 300);
    for (const [a, total] of totals) assert.equal(total, a + 1);
    assert.equal(transport.disconnecting, false);
  });

  it("fails calls still waiting in the order they were made when the connection is lost", () => {
    const client = new AMP();
    client.makeConnection(new StringTransport());
    const order: number[] = [];
    for (let a = 0; a < 130; a += 1) client.callRemote(Sum, { a, b: 1 }).addErrback(() => order.push(a));
    client.dataReceived(new AmpBox({ _answer: Buffer.from("5"), total: Buffer.from("5") }).serialize());
    client.connectionLost(new Failure(new ConnectionDone()));
    assert.deepEqual(
      order,
      Array.from({ length: 130 }, (_, a) => a).filter((a) => a !== 4),
    );
  });

  it("takes an answer whose tag is not exactly one this side made (a leading zero, upper case) as an unknown tag", () => {
    const reported: unknown[] = [];
    const previous = setErrorReporter((error) => {
      reported.push(error);
    });
    for (const tag of ["01", "A", "1 "]) {
      const client = new AMP();
      const transport = new StringTransport();
      client.makeConnection(transport);
      const failures: unknown[] = [];
      for (let i = 0; i < 10; i += 1) client.callRemote(Sum, { a: 1, b: 2 }).addErrback((failure: Failure) => failures.push(failure.value));
      assert.deepEqual(client.outstandingTags, ["1", "2", "3", "4", "5", "6", "7", "8", "9", "a"]);
      client.dataReceived(new AmpBox({ _answer: Buffer.from(tag), total: Buffer.from("3") }).serialize());
      assert.equal(transport.disconnecting, true, `tag ${JSON.stringify(tag)}: the connection is dropped`);
      client.connectionLost(new Failure(new ConnectionDone()));
      assert.equal(failures.length, 10, "every call fails");
      assert.ok(failures.every((error) => error instanceof AmpProtocolError && error.reason === "unknownTag"));
    }
    setErrorReporter(previous);
    assert.equal(reported.length, 3, "each bad answer is reported once");
  });
});
