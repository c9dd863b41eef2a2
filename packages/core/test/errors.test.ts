import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TorsionError } from "@torsion/defer";
import * as core from "@torsion/core";
import {
  AlreadyCalled,
  AlreadyCancelled,
  BindError,
  CannotListenError,
  ConnectBindError,
  ConnectError,
  ConnectionAborted,
  ConnectionClosed,
  ConnectionDone,
  ConnectionLost,
  ConnectionRefusedError,
  DNSLookupError,
  NoRouteError,
  TCPTimedOutError,
  TimeoutError,
  UserError,
  getConnectError,
} from "@torsion/core";

type AnyErrorClass = new (...args: never[]) => Error;

/** Every error class of the catalogue with the class it must extend directly. */
const HIERARCHY: [name: string, parent: AnyErrorClass][] = [
  ["ConnectionClosed", TorsionError],
  ["ConnectionDone", ConnectionClosed],
  ["ConnectionLost", ConnectionClosed],
  ["ConnectionAborted", ConnectionLost],
  ["ConnectError", TorsionError],
  ["ConnectionRefusedError", ConnectError],
  ["UserError", ConnectError],
  ["TimeoutError", UserError],
  ["TCPTimedOutError", ConnectError],
  ["DNSLookupError", ConnectError],
  ["NoRouteError", ConnectError],
  ["UnknownHostError", ConnectError],
  ["ConnectBindError", ConnectError],
  ["ConnectingCancelledError", ConnectError],
  ["BindError", TorsionError],
  ["CannotListenError", BindError],
  ["MessageLengthError", TorsionError],
  ["MulticastJoinError", TorsionError],
  ["AlreadyCalled", TorsionError],
  ["AlreadyCancelled", TorsionError],
  ["NotConnectingError", TorsionError],
  ["NotListeningError", TorsionError],
  ["ReactorNotRunning", TorsionError],
  ["ReactorAlreadyRunning", TorsionError],
  ["UnsupportedAddressFamily", TorsionError],
  ["InvalidAddressError", TorsionError],
  ["ProtocolLifecycleError", TorsionError],
  ["BadUNIXPathError", ConnectError],
  ["TLSNotLoadedError", TorsionError],
];

function make(name: string): Error {
  const Class = (core as unknown as Record<string, new (...args: unknown[]) => Error>)[name];
  assert.ok(Class, `${name} is not exported`);
  return name === "CannotListenError" ? new Class("127.0.0.1", 80, new Error("busy")) : new Class("message");
}

describe("the error catalogue", () => {
  for (const [name, parent] of HIERARCHY) {
    it(`makes ${name} an instance of ${parent.name}, named after its class with an ERR_ code`, () => {
      const error = make(name);
      assert.ok(error instanceof parent);
      assert.ok(error instanceof TorsionError);
      assert.ok(error instanceof Error);
      assert.equal(error.name, name);
      assert.match(error.code, /^ERR_[A-Z_]+$/);
    });
  }

  it("gives every class a distinct code", () => {
    const codes = HIERARCHY.map(([name]) => (make(name) as TorsionError).code);
    assert.equal(new Set(codes).size, codes.length);
  });

  it("keeps the code stable for the close reasons", () => {
    assert.equal(new ConnectionDone().code, "ERR_CONNECTION_DONE");
    assert.equal(new ConnectionLost().code, "ERR_CONNECTION_LOST");
    assert.equal(new ConnectionAborted().code, "ERR_CONNECTION_ABORTED");
  });

  it("keeps Twisted's default messages", () => {
    assert.equal(new ConnectionDone().message, "Connection was closed cleanly.");
    assert.equal(new ConnectionRefusedError().message, "Connection was refused by other side.");
    assert.equal(new AlreadyCalled().message, "Tried to cancel or reschedule an already-called event.");
    assert.equal(new AlreadyCancelled().message, "Tried to cancel or reschedule an already-cancelled event.");
  });

  it("carries the standard cause", () => {
    const cause = new Error("root");
    assert.equal(new ConnectionLost("lost", { cause }).cause, cause);
    assert.equal(new ConnectError("failed", { cause }).cause, cause);
  });

  it("names the interface, the port and the cause in CannotListenError", () => {
    const cause = Object.assign(new Error("address in use"), { code: "EADDRINUSE" });
    const error = new CannotListenError("127.0.0.1", 8080, cause);
    assert.equal(error.interface, "127.0.0.1");
    assert.equal(error.port, 8080);
    assert.equal(error.cause, cause);
    assert.match(error.message, /127\.0\.0\.1:8080/);
    assert.match(error.message, /address in use/);
  });

  it("describes a non-Error cause of CannotListenError without stringifying objects, and never throws", () => {
    assert.match(new CannotListenError("127.0.0.1", 80, "busy").message, /: busy\.$/);
    assert.match(new CannotListenError("127.0.0.1", 80, 13).message, /: 13\.$/);
    assert.match(new CannotListenError("127.0.0.1", 80, { code: "EACCES" }).message, /: an object \(Object\)\.$/);
    assert.match(new CannotListenError("127.0.0.1", 80, Object.create(null)).message, /: an object \(Object\)\.$/);
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("no reading");
        },
      },
    );
    assert.match(new CannotListenError("127.0.0.1", 80, hostile).message, /: an object \(Object\)\.$/);
    assert.match(
      new CannotListenError("/tmp/x.sock", "/tmp/x.sock", Symbol("why")).message,
      /^Couldn't listen on \/tmp\/x\.sock: Symbol\(why\)\.$/,
    );
  });

  it("writes * for the any-interface in CannotListenError and allows no cause", () => {
    const error = new CannotListenError("", 0);
    assert.match(error.message, /\*:0/);
    assert.equal(error.cause, undefined);
  });
});

describe("getConnectError", () => {
  const cases: [code: string, Class: AnyErrorClass][] = [
    ["ECONNREFUSED", ConnectionRefusedError],
    ["ENOENT", ConnectionRefusedError],
    ["ETIMEDOUT", TCPTimedOutError],
    ["ENOTFOUND", DNSLookupError],
    ["EAI_AGAIN", DNSLookupError],
    ["EHOSTUNREACH", NoRouteError],
    ["ENETUNREACH", NoRouteError],
    ["EADDRINUSE", ConnectBindError],
    ["EADDRNOTAVAIL", ConnectBindError],
  ];

  for (const [code, Class] of cases) {
    it(`maps a Node ${code} error to ${Class.name}, keeping it as cause and its message`, () => {
      const nodeError = Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
      const mapped = getConnectError(nodeError);
      assert.equal(mapped.constructor, Class);
      assert.equal(mapped.cause, nodeError);
      assert.equal(mapped.message, nodeError.message);
    });
  }

  it("maps an unknown code to a plain ConnectError", () => {
    const mapped = getConnectError(Object.assign(new Error("odd"), { code: "EWHATEVER" }));
    assert.equal(mapped.constructor, ConnectError);
  });

  it("maps a non-Error value to a ConnectError whose message is its string form", () => {
    const mapped = getConnectError("gone");
    assert.equal(mapped.constructor, ConnectError);
    assert.equal(mapped.message, "gone");
    assert.equal(mapped.cause, "gone");
  });

  it("returns a ConnectError unchanged", () => {
    const error = new TimeoutError();
    assert.equal(getConnectError(error), error);
  });
});
