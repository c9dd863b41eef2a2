import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Deferred, Failure, succeed } from "@torsion/defer";
import {
  BaseProtocol,
  ConnectionDone,
  endConnection,
  Factory,
  NotConnectedError,
  Protocol,
  ProtocolLifecycleError,
  watchResult,
} from "@torsion/core";
import { StringTransport } from "@torsion/testing";

class Recorder extends Protocol {
  readonly log: string[] = [];
  override connectionMade(): void {
    this.log.push(`made connected=${this.connected} transport=${this.transport !== null}`);
  }
  override dataReceived(data: Buffer): void {
    this.log.push(`data ${data.toString()}`);
  }
  override connectionLost(reason: Failure): void {
    this.log.push(`lost ${reason.value.name} connected=${this.connected}`);
  }
}

const done = (): Failure => new Failure(new ConnectionDone());

describe("BaseProtocol", () => {
  it("sets connected and transport in makeConnection before calling connectionMade", () => {
    const seen: [boolean, unknown][] = [];
    const transport = new StringTransport();
    const protocol = new (class extends BaseProtocol {
      override connectionMade(): void {
        seen.push([this.connected, this.transport]);
      }
    })();
    assert.equal(protocol.connected, false);
    assert.equal(protocol.transportOrNull, null);
    protocol.makeConnection(transport);
    assert.deepEqual(seen, [[true, transport]]);
    assert.equal(protocol.transportOrNull, transport);
  });

  it("throws NotConnectedError, naming the class, when transport is read before makeConnection", () => {
    class Early extends Protocol {}
    const protocol = new Early();
    assert.throws(
      () => protocol.transport.write(Buffer.from("x")),
      (error: unknown) => {
        assert.ok(error instanceof NotConnectedError);
        assert.ok(error instanceof ProtocolLifecycleError);
        assert.equal(error.code, "ERR_NOT_CONNECTED");
        assert.match(error.message, /Early\.transport was used before makeConnection/);
        return true;
      },
    );
  });

  it("lets a transport be set and cleared through the transport setter", () => {
    const protocol = new Recorder();
    const transport = new StringTransport();
    protocol.transport = transport;
    assert.equal(protocol.transport, transport);
    protocol.transport = null;
    assert.equal(protocol.transportOrNull, null);
    assert.throws(() => protocol.transport, NotConnectedError);
  });
});

describe("Protocol", () => {
  it("runs connectionMade, dataReceived and connectionLost in order with the right state", () => {
    const protocol = new Recorder();
    protocol.makeConnection(new StringTransport());
    protocol.dataReceived(Buffer.from("hi"));
    endConnection(protocol, done());
    assert.deepEqual(protocol.log, ["made connected=true transport=true", "data hi", "lost ConnectionDone connected=false"]);
    assert.equal(protocol.connected, false);
  });

  it("lets a subclass write to its transport from dataReceived", () => {
    class Echo extends Protocol {
      override dataReceived(data: Buffer): void {
        this.transport?.write(data);
      }
    }
    const transport = new StringTransport();
    const echo = new Echo();
    echo.makeConnection(transport);
    echo.dataReceived(Buffer.from("abc"));
    assert.equal(transport.value().toString(), "abc");
  });

  it("discards data by default without throwing", () => {
    const protocol = new Protocol();
    protocol.makeConnection(new StringTransport());
    assert.equal(protocol.dataReceived(Buffer.from("ignored")), undefined);
    endConnection(protocol, done());
    assert.equal(protocol.connected, false);
  });

  it("has no per-instance wrappers: the handlers are the class's own methods", () => {
    const protocol = new Recorder();
    assert.equal(Object.hasOwn(protocol, "dataReceived"), false);
    assert.equal(Object.hasOwn(protocol, "connectionLost"), false);
    assert.equal(Reflect.get(protocol, "dataReceived"), Reflect.get(Recorder.prototype, "dataReceived"));
  });

  it("calls a class-field override directly, and returns what the handlers return", async () => {
    const seen: string[] = [];
    class Fielded extends Protocol {
      override connectionMade = async (): Promise<void> => {
        seen.push("made");
      };
      override dataReceived = (data: Buffer): void => {
        seen.push(`data ${data.toString()}`);
      };
    }
    const protocol = new Fielded();
    const made = protocol.makeConnection(new StringTransport());
    assert.ok(made instanceof Promise, "makeConnection returns connectionMade's promise");
    await made;
    protocol.dataReceived(Buffer.from("x"));
    assert.deepEqual(seen, ["made", "data x"]);
  });

  it("throws ProtocolLifecycleError for a second makeConnection and keeps the first transport", () => {
    const protocol = new Recorder();
    const first = new StringTransport();
    protocol.makeConnection(first);
    assert.throws(() => protocol.makeConnection(new StringTransport()), ProtocolLifecycleError);
    assert.equal(protocol.transport, first);
    assert.equal(protocol.log.length, 1);
  });

  it("refuses makeConnection after connectionLost", () => {
    const protocol = new Recorder();
    protocol.makeConnection(new StringTransport());
    endConnection(protocol, done());
    assert.throws(() => protocol.makeConnection(new StringTransport()), ProtocolLifecycleError);
  });

  it("starts with no factory and names itself in logPrefix", () => {
    const protocol = new Recorder();
    assert.equal(protocol.factoryOrNull, null);
    assert.throws(
      () => protocol.factory,
      (error: unknown) => error instanceof NotConnectedError && error.message.includes("Recorder.factory is not set"),
    );
    assert.equal(protocol.logPrefix(), "Recorder");
  });

  it("gets its typed factory from buildProtocol", () => {
    class Counter extends Factory<Counted> {
      built = 0;
    }
    class Counted extends Protocol<Counter> {
      override connectionMade(): void {
        this.factory.built++;
      }
    }
    const factory = Counter.forProtocol(Counted);
    const protocol = factory.buildProtocol(new StringTransport().getPeer());
    assert.ok(protocol instanceof Counted);
    assert.equal(protocol.factory, factory);
    protocol.makeConnection(new StringTransport());
    assert.equal(factory.built, 1);
  });
});

describe("endConnection", () => {
  it("clears connected before calling connectionLost, and returns its result", async () => {
    const protocol = new Recorder();
    protocol.makeConnection(new StringTransport());
    assert.equal(endConnection(protocol, done()), undefined);
    assert.deepEqual(protocol.log.slice(1), ["lost ConnectionDone connected=false"]);
    class Async extends Protocol {
      override async connectionLost(): Promise<void> {}
    }
    const asyncProtocol = new Async();
    asyncProtocol.makeConnection(new StringTransport());
    const result = endConnection(asyncProtocol, done());
    assert.ok(result instanceof Promise);
    await result;
  });
});

describe("watchResult", () => {
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it("ignores undefined, plain values and fulfilled thenables", async () => {
    const failures: unknown[] = [];
    for (const value of [undefined, null, 3, "text", {}, { then: 1 }, Promise.resolve(1), succeed(2)])
      watchResult(value, (e) => failures.push(e));
    await settle();
    assert.deepEqual(failures, []);
  });

  it("calls back once with the reason of a rejected promise, a failed Deferred or a throwing then", async () => {
    const failures: unknown[] = [];
    const bug = new Error("bug");
    watchResult(Promise.reject(bug), (e) => failures.push(e));
    const deferred = new Deferred<void>();
    watchResult(deferred, (e) => failures.push(e));
    deferred.errback(new Failure(bug));
    watchResult(
      {
        then: () => {
          throw bug;
        },
      },
      (e) => failures.push(e),
    );
    const twice = {
      then: (_ok: unknown, fail: (e: unknown) => void) => {
        fail(1);
        fail(2);
      },
    };
    watchResult(twice, (e) => failures.push(e));
    await settle();
    assert.deepEqual(failures, [bug, 1, bug, bug]);
  });
});
