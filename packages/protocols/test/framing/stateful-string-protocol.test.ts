import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { StringTransport } from "@torsion/testing";
import { setErrorReporter, type Failure } from "@torsion/defer";
import { DONE_STATE, Int16StringReceiver, NetstringReceiver, StatefulStringProtocol, UnknownStateError } from "@torsion/protocols";
import { dispatchStatefulString } from "@torsion/protocols/internal";

class Login extends StatefulStringProtocol(NetstringReceiver) {
  user = "";
  proto_init(data: Buffer): string {
    this.user = data.toString();
    return "password";
  }
  proto_password(data: Buffer): string {
    this.sendString(Buffer.from(data.toString() === "secret" ? `welcome ${this.user}` : "denied"));
    return DONE_STATE;
  }
}

function captureReports<T>(run: () => T): { result: T; reports: [Failure, string][] } {
  const reports: [Failure, string][] = [];
  const previous = setErrorReporter((failure, context) => reports.push([failure, context]));
  try {
    return { result: run(), reports };
  } finally {
    setErrorReporter(previous);
  }
}

describe("StatefulStringProtocol", () => {
  it("dispatches each string to proto_<state> and moves to the returned state", () => {
    const protocol = new Login();
    const transport = new StringTransport();
    protocol.makeConnection(transport);
    assert.equal(protocol.state, "init");
    protocol.dataReceived(Buffer.from("5:alice,"));
    assert.equal(protocol.state, "password");
    assert.equal(protocol.user, "alice");
    assert.equal(transport.disconnecting, false);
    protocol.dataReceived(Buffer.from("6:secret,"));
    assert.equal(transport.value().toString(), "13:welcome alice,");
  });

  it("closes the connection when a handler returns done", () => {
    const protocol = new Login();
    const transport = new StringTransport();
    protocol.makeConnection(transport);
    protocol.dataReceived(Buffer.from("1:a,1:b,"));
    assert.equal(protocol.state, DONE_STATE);
    assert.equal(transport.disconnecting, true);
  });

  it("works on top of any string receiver, for example Int16StringReceiver", () => {
    class Counter extends StatefulStringProtocol(Int16StringReceiver) {
      count = 0;
      proto_init(): string {
        this.count += 1;
        return this.count === 2 ? "second" : "init";
      }
    }
    const protocol = new Counter();
    protocol.makeConnection(new StringTransport());
    protocol.dataReceived(Buffer.from([0, 0, 0, 0]));
    assert.equal(protocol.state, "second");
  });

  it("reports UnknownStateError and keeps the state when no handler exists", () => {
    const protocol = new Login();
    protocol.makeConnection(new StringTransport());
    protocol.state = "nowhere";
    const { reports } = captureReports(() => protocol.dataReceived(Buffer.from("1:x,")));
    assert.equal(reports.length, 1);
    const error = reports[0]?.[0].value;
    assert.ok(error instanceof UnknownStateError);
    assert.equal(error.state, "nowhere");
    assert.equal(protocol.state, "nowhere");
  });

  it("reports a handler that returns something other than a state name", () => {
    const target = { state: "init", transportOrNull: null, proto_init: (): unknown => undefined };
    const { reports } = captureReports(() => dispatchStatefulString(target, Buffer.from("x")));
    assert.ok(reports[0]?.[0].value instanceof UnknownStateError);
    assert.equal(target.state, "init");
  });
});
