/**
 * Async frame handlers over a StringTransport: every receiver on the framing driver hands
 * what its handlers returned (an `async` handler's promise, a Deferred) back from
 * `dataReceived` (and `resumeProducing`, `setLineMode`, `connectionLost`), so a transport
 * handles a rejection exactly as it handles a synchronous throw. (The same over real TCP
 * is in ../async-handlers-over-tcp.test.ts.)
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Deferred, Failure } from "@torsion/defer";
import { StringTransport } from "@torsion/testing";
import { watchResult, type CallbackResult } from "@torsion/core";
import {
  Int16StringReceiver,
  Int32StringReceiver,
  Int8StringReceiver,
  LineOnlyReceiver,
  LineReceiver,
  NetstringReceiver,
} from "@torsion/protocols";

/** What each test server does with one frame: `fail` rejects, `throw` throws, anything else is recorded. */
interface Behaviour {
  readonly seen: string[];
  readonly failure: Error;
  handle(frame: Buffer): CallbackResult;
}

function behaviour(): Behaviour {
  const seen: string[] = [];
  const failure = new Error("the handler's promise rejected");
  return {
    seen,
    failure,
    async handle(frame: Buffer): Promise<void> {
      const text = frame.toString("latin1");
      seen.push(text);
      await Promise.resolve();
      if (text === "fail") throw failure;
    },
  };
}

class AsyncLines extends LineReceiver {
  readonly script = behaviour();
  override async lineReceived(line: Buffer): Promise<void> {
    await this.script.handle(line);
  }
}
class AsyncLineOnly extends LineOnlyReceiver {
  readonly script = behaviour();
  override async lineReceived(line: Buffer): Promise<void> {
    await this.script.handle(line);
  }
}
class AsyncNetstrings extends NetstringReceiver {
  readonly script = behaviour();
  override async stringReceived(data: Buffer): Promise<void> {
    await this.script.handle(data);
  }
}
class AsyncInt8 extends Int8StringReceiver {
  readonly script = behaviour();
  override async stringReceived(data: Buffer): Promise<void> {
    await this.script.handle(data);
  }
}
class AsyncInt16 extends Int16StringReceiver {
  readonly script = behaviour();
  override async stringReceived(data: Buffer): Promise<void> {
    await this.script.handle(data);
  }
}
class AsyncInt32 extends Int32StringReceiver {
  readonly script = behaviour();
  override async stringReceived(data: Buffer): Promise<void> {
    await this.script.handle(data);
  }
}

type Scripted = (AsyncLines | AsyncLineOnly | AsyncNetstrings | AsyncInt8 | AsyncInt16 | AsyncInt32) & { readonly script: Behaviour };

const crlf = (m: string): Buffer => Buffer.from(`${m}\r\n`, "latin1");
const netstring = (m: string): Buffer => Buffer.from(`${m.length}:${m},`, "latin1");
const prefixed =
  (size: 1 | 2 | 4) =>
  (m: string): Buffer => {
    const frame = Buffer.alloc(size + m.length);
    frame.writeUIntBE(m.length, 0, size);
    frame.write(m, size, "latin1");
    return frame;
  };

const KINDS: readonly { name: string; encode: (m: string) => Buffer; make: () => Scripted }[] = [
  { name: "LineReceiver", encode: crlf, make: () => new AsyncLines() },
  { name: "LineOnlyReceiver", encode: crlf, make: () => new AsyncLineOnly() },
  { name: "NetstringReceiver", encode: netstring, make: () => new AsyncNetstrings() },
  { name: "Int8StringReceiver", encode: prefixed(1), make: () => new AsyncInt8() },
  { name: "Int16StringReceiver", encode: prefixed(2), make: () => new AsyncInt16() },
  { name: "Int32StringReceiver", encode: prefixed(4), make: () => new AsyncInt32() },
];

function connect<P extends { makeConnection(transport: StringTransport): unknown }>(
  protocol: P,
): { protocol: P; transport: StringTransport } {
  const transport = new StringTransport();
  protocol.makeConnection(transport);
  return { protocol, transport };
}

/** Whether `value` is a thenable (what a transport's `watchResult` watches). */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/** What `watchResult` (as every transport uses it) reports for `result`, once it settled. */
async function failuresOf(result: unknown): Promise<unknown[]> {
  const failures: unknown[] = [];
  watchResult(result, (reason) => failures.push(reason));
  await new Promise((resolve) => setImmediate(resolve));
  return failures;
}

describe("async frame handlers", () => {
  for (const kind of KINDS) {
    describe(kind.name, () => {
      it("returns from dataReceived a promise that rejects with the handler's rejection, watched once", async () => {
        const { protocol } = connect(kind.make());
        const result = protocol.dataReceived(kind.encode("fail"));
        assert.ok(isThenable(result), "dataReceived returned a thenable");
        assert.deepEqual(await failuresOf(result), [protocol.script.failure]);
        assert.deepEqual(protocol.script.seen, ["fail"]);
      });

      it("returns a promise that fulfils when every async handler of the read fulfilled", async () => {
        const { protocol } = connect(kind.make());
        const result = protocol.dataReceived(Buffer.concat([kind.encode("a"), kind.encode("b")]));
        assert.ok(isThenable(result));
        assert.equal(await result, undefined);
        assert.deepEqual(protocol.script.seen, ["a", "b"]);
      });

      it("rejects with the first rejection when several frames of one read fail, and reports it once", async () => {
        const { protocol } = connect(kind.make());
        const result = protocol.dataReceived(Buffer.concat([kind.encode("ok"), kind.encode("fail"), kind.encode("fail")]));
        assert.deepEqual(await failuresOf(result), [protocol.script.failure]);
        assert.deepEqual(protocol.script.seen, ["ok", "fail", "fail"]);
      });

      it("returns undefined from a read that completes no frame", () => {
        const { protocol } = connect(kind.make());
        const frame = kind.encode("fail");
        assert.equal(protocol.dataReceived(frame.subarray(0, frame.length - 1)), undefined);
        assert.deepEqual(protocol.script.seen, []);
      });
    });
  }
});

describe("async frame handlers returning other values", () => {
  it("returns undefined from dataReceived when every handler is synchronous", () => {
    const seen: string[] = [];
    const { protocol } = connect(new LineReceiver());
    protocol.lineReceived = (line) => {
      seen.push(line.toString());
    };
    assert.equal(protocol.dataReceived(Buffer.from("a\r\nb\r\n")), undefined);
    assert.deepEqual(seen, ["a", "b"]);
  });

  it("hands a Deferred returned by the one handler of a read back as it is", async () => {
    const deferred = new Deferred<void>();
    const { protocol } = connect(new Int32StringReceiver());
    protocol.stringReceived = () => deferred;
    const result = protocol.dataReceived(prefixed(4)("x"));
    assert.equal(result, deferred);
    const failures = failuresOf(result);
    const failure = new Error("the Deferred failed");
    deferred.errback(failure);
    assert.deepEqual(await failures, [failure]);
  });

  it("combines a failing Deferred with other results into one rejection", async () => {
    const deferred = new Deferred<void>();
    const failure = new Error("the Deferred failed");
    const { protocol } = connect(new NetstringReceiver());
    let calls = 0;
    protocol.stringReceived = () => (calls++ === 0 ? Promise.resolve() : deferred);
    const result = protocol.dataReceived(Buffer.concat([netstring("a"), netstring("b")]));
    assert.notEqual(result, deferred);
    const failures = failuresOf(result);
    deferred.errback(failure);
    assert.deepEqual(await failures, [failure]);
  });
});

describe("async handlers on LineReceiver's other delivering methods", () => {
  it("returns the rejection of a raw-mode handler from dataReceived", async () => {
    const failure = new Error("raw handler failed");
    const { protocol } = connect(new LineReceiver());
    protocol.lineReceived = () => {
      protocol.setRawMode();
    };
    protocol.rawDataReceived = async () => {
      await Promise.resolve();
      throw failure;
    };
    assert.deepEqual(await failuresOf(protocol.dataReceived(Buffer.from("RAW\r\nbytes"))), [failure]);
  });

  it("returns the rejection of an async lineLengthExceeded from dataReceived", async () => {
    const failure = new Error("too long, and failed");
    const { protocol } = connect(new LineReceiver({ maxLength: 4 }));
    protocol.lineLengthExceeded = () => Promise.reject(failure);
    assert.deepEqual(await failuresOf(protocol.dataReceived(Buffer.from("123456789\r\n"))), [failure]);
  });

  it("returns from resumeProducing the rejections of the lines held while paused", async () => {
    const failure = new Error("held line failed");
    const { protocol } = connect(new LineReceiver());
    protocol.lineReceived = (line) => {
      if (line.toString() !== "pause") return Promise.reject(failure);
      protocol.pauseProducing();
      return undefined;
    };
    assert.equal(protocol.dataReceived(Buffer.from("pause\r\nfail\r\n")), undefined);
    assert.equal(protocol.bufferedLength, 6);
    assert.deepEqual(await failuresOf(protocol.resumeProducing()), [failure]);
  });

  it("returns from setLineMode, called outside a handler, the rejection of the lines its bytes complete", async () => {
    const failure = new Error("line after raw failed");
    const { protocol } = connect(new LineReceiver());
    protocol.setRawMode();
    protocol.lineReceived = () => Promise.reject(failure);
    assert.deepEqual(await failuresOf(protocol.setLineMode(Buffer.from("x\r\n"))), [failure]);
  });

  it("returns from the outer dataReceived the results of frames fed re-entrantly by a handler", async () => {
    const failure = new Error("injected line failed");
    const { protocol } = connect(new LineReceiver());
    const inner: CallbackResult[] = [];
    protocol.lineReceived = (line) => {
      if (line.toString() === "inject") {
        inner.push(protocol.dataReceived(Buffer.from("fail\r\n")));
        return;
      }
      return Promise.reject(failure);
    };
    const outer = protocol.dataReceived(Buffer.from("inject\r\n"));
    assert.deepEqual(inner, [undefined]);
    assert.deepEqual(await failuresOf(outer), [failure]);
  });
});

describe("an async rejection followed by a synchronous throw in the same read", () => {
  it("throws the synchronous error and hands the earlier rejection back from connectionLost, without an unhandled rejection", async () => {
    const asyncFailure = new Error("first line's promise rejected");
    const syncFailure = new Error("second line threw");
    const { protocol } = connect(new LineOnlyReceiver());
    protocol.lineReceived = (line) => {
      if (line.toString() === "async") return Promise.reject(asyncFailure);
      throw syncFailure;
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on("unhandledRejection", onUnhandled);
    try {
      assert.throws(() => protocol.dataReceived(Buffer.from("async\r\nsync\r\n")), syncFailure);
      await new Promise((resolve) => setImmediate(resolve));
      const end = protocol.connectionLost(new Failure(syncFailure));
      assert.deepEqual(await failuresOf(end), [asyncFailure]);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    assert.deepEqual(unhandled, []);
  });
});
