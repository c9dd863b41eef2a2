import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Failure } from "@torsion/defer";
import {
  ConnectionAborted,
  ConnectionDone,
  ConnectionLost,
  Factory,
  Protocol,
  type CallbackResult,
  type IHalfCloseableProtocol,
  type IPullProducer,
} from "@torsion/core";
import { Clock, FakeTransport, IOPump, PumpLimitError, connectedServerAndClient } from "@torsion/testing";

class Recorder extends Protocol {
  readonly chunks: string[] = [];
  readonly events: string[] = [];
  // CallbackResult, not void: the async-handler tests below override these with async ones.
  override dataReceived(data: Buffer): CallbackResult {
    this.chunks.push(data.toString());
  }
  override connectionLost(reason: Failure): CallbackResult {
    this.events.push(`lost ${reason.value.name}`);
  }
  get text(): string {
    return this.chunks.join("");
  }
}

class HalfCloser extends Recorder implements IHalfCloseableProtocol {
  readConnectionLost(): void {
    this.events.push("readConnectionLost");
  }
  writeConnectionLost(): void {
    this.events.push("writeConnectionLost");
  }
}

function pair<S extends Recorder, C extends Recorder>(S: new () => S, C: new () => C, chunkSize?: number) {
  return connectedServerAndClient(
    { buildProtocol: () => new S() },
    { buildProtocol: () => new C() },
    chunkSize === undefined ? {} : { chunkSize },
  );
}

describe("IOPump", () => {
  it("moves bytes both ways on pump and reports whether anything moved", () => {
    const { client, server, pump } = pair(Recorder, Recorder);
    client.transport?.write(Buffer.from("up"));
    server.transport?.write(Buffer.from("down"));
    assert.equal(pump.pump(), true);
    assert.equal(server.text, "up");
    assert.equal(client.text, "down");
    assert.equal(pump.pump(), false);
  });

  it("delivers everything pending in one call by default", () => {
    const { client, server, pump } = pair(Recorder, Recorder);
    client.transport?.write(Buffer.from("ab"));
    client.transport?.write(Buffer.from("cd"));
    pump.pump();
    assert.deepEqual(server.chunks, ["abcd"]);
  });

  it("splits deliveries into chunkSize slices", () => {
    const { client, server, pump } = pair(Recorder, Recorder, 3);
    client.transport?.write(Buffer.from("abcdefgh"));
    pump.pump();
    assert.deepEqual(server.chunks, ["abc", "def", "gh"]);
  });

  it("rejects a chunkSize that is not a positive integer", () => {
    assert.throws(() => pair(Recorder, Recorder, 0), RangeError);
    assert.throws(() => pair(Recorder, Recorder, 1.5), RangeError);
  });

  it("flush pumps until quiet, carrying replies of replies", () => {
    class Countdown extends Recorder {
      override dataReceived(data: Buffer): void {
        super.dataReceived(data);
        const n = Number(data.toString());
        if (n > 0) this.transport?.write(Buffer.from(String(n - 1)));
      }
    }
    const { client, server, pump } = pair(Countdown, Countdown);
    client.transport?.write(Buffer.from("6"));
    assert.equal(pump.flush(), true);
    assert.deepEqual(server.chunks, ["6", "4", "2", "0"]);
    assert.deepEqual(client.chunks, ["5", "3", "1"]);
    assert.equal(pump.flush(), false);
  });

  it("flush throws PumpLimitError for an endless exchange", () => {
    class PingPong extends Recorder {
      override dataReceived(data: Buffer): void {
        this.transport?.write(data);
      }
    }
    const { client, pump } = pair(PingPong, PingPong);
    client.transport?.write(Buffer.from("x"));
    assert.throws(() => pump.flush(50), PumpLimitError);
  });

  it("loseConnection closes both sides with ConnectionDone after the data is delivered", () => {
    const { client, server, pump } = pair(Recorder, Recorder);
    server.transport?.write(Buffer.from("bye"));
    server.transport?.loseConnection();
    pump.flush();
    assert.equal(client.text, "bye");
    assert.deepEqual(server.events, ["lost ConnectionDone"]);
    assert.deepEqual(client.events, ["lost ConnectionDone"]);
  });

  it("abortConnection gives ConnectionAborted to the aborter and ConnectionLost to the peer, dropping data", () => {
    const { client, server, pump } = pair(Recorder, Recorder);
    client.transport?.write(Buffer.from("never"));
    server.transport?.write(Buffer.from("also never"));
    const reasons: Failure[] = [];
    const original = client.connectionLost.bind(client);
    client.connectionLost = (r) => {
      reasons.push(r);
      original(r);
    };
    (client.transport as FakeTransport).abortConnection();
    pump.flush();
    assert.equal(server.text, "");
    assert.equal(client.text, "");
    assert.deepEqual(client.events, ["lost ConnectionAborted"]);
    assert.deepEqual(server.events, ["lost ConnectionLost"]);
    assert.ok(reasons[0]?.check(ConnectionAborted));
    assert.ok(reasons[0]?.check(ConnectionLost));
    assert.equal(reasons[0]?.check(ConnectionDone), null);
  });

  it("does not deliver to a side whose transport is paused until it resumes", () => {
    const { client, server, pump } = pair(Recorder, Recorder);
    server.transport?.pauseProducing();
    client.transport?.write(Buffer.from("held"));
    assert.equal(pump.flush(), false);
    assert.equal(server.text, "");
    server.transport?.resumeProducing();
    pump.flush();
    assert.equal(server.text, "held");
  });

  it("keeps the rest of a delivery when the receiver pauses in the middle", () => {
    class Pauser extends Recorder {
      override dataReceived(data: Buffer): void {
        super.dataReceived(data);
        this.transport?.pauseProducing();
      }
    }
    const { client, server, pump } = pair(Pauser, Recorder, 2);
    client.transport?.write(Buffer.from("abcdef"));
    pump.flush();
    assert.deepEqual(server.chunks, ["ab"]);
    server.transport?.resumeProducing();
    pump.pump();
    assert.deepEqual(server.chunks, ["ab", "cd"]);
  });

  it("waits for a registered producer to unregister before closing", () => {
    const { client, server, pump } = pair(Recorder, Recorder);
    const producer = { stopProducing: () => undefined, pauseProducing: () => undefined, resumeProducing: () => undefined };
    server.transport?.registerProducer(producer, true);
    server.transport?.loseConnection();
    pump.flush();
    assert.deepEqual(server.events, []);
    server.transport?.unregisterProducer();
    pump.flush();
    assert.deepEqual(server.events, ["lost ConnectionDone"]);
    assert.deepEqual(client.events, ["lost ConnectionDone"]);
  });

  it("asks a pull producer for data on every round until it unregisters", () => {
    const { client, server, pump } = pair(Recorder, Recorder);
    let left = 3;
    const producer: IPullProducer = {
      resumeProducing: () => {
        if (left === 0) {
          server.transport?.unregisterProducer();
          return;
        }
        server.transport?.write(Buffer.from(String(left--)));
      },
      stopProducing: () => undefined,
    };
    server.transport?.registerProducer(producer, false);
    pump.flush();
    assert.equal(client.text, "321");
    assert.equal((server.transport as FakeTransport).producer, null);
  });

  it("half-closes: the writer gets writeConnectionLost and the peer readConnectionLost", () => {
    const { client, server, pump } = pair(HalfCloser, HalfCloser);
    client.transport?.write(Buffer.from("request"));
    (client.transport as FakeTransport).loseWriteConnection();
    pump.flush();
    assert.equal(server.text, "request");
    assert.deepEqual(client.events, ["writeConnectionLost"]);
    assert.deepEqual(server.events, ["readConnectionLost"]);
    server.transport?.write(Buffer.from("response"));
    pump.flush();
    assert.equal(client.text, "response");
    server.transport?.loseConnection();
    pump.flush();
    // As on a real socket, the server's FIN reaches the half-closeable client as the end
    // of its input before the connection is gone.
    assert.deepEqual(client.events, ["writeConnectionLost", "readConnectionLost", "lost ConnectionDone"]);
    assert.deepEqual(server.events, ["readConnectionLost", "lost ConnectionDone"]);
  });

  it("closes with ConnectionDone once both ends half-closed", () => {
    const { client, server, pump } = pair(HalfCloser, HalfCloser);
    (client.transport as FakeTransport).loseWriteConnection();
    pump.flush();
    (server.transport as FakeTransport).loseWriteConnection();
    pump.flush();
    assert.deepEqual(client.events, ["writeConnectionLost", "readConnectionLost", "lost ConnectionDone"]);
    assert.deepEqual(server.events, ["readConnectionLost", "writeConnectionLost", "lost ConnectionDone"]);
  });

  it("closes the whole connection when the peer cannot half-close", () => {
    const { client, server, pump } = pair(Recorder, HalfCloser);
    (client.transport as FakeTransport).loseWriteConnection();
    pump.flush();
    assert.deepEqual(client.events, ["lost ConnectionDone"]);
    assert.deepEqual(server.events, ["lost ConnectionDone"]);
  });

  it("advances the given clock by 0 on every round", () => {
    const clock = new Clock();
    const { client, server, pump } = connectedServerAndClient(Factory.forProtocol(Recorder), Factory.forProtocol(Recorder), { clock });
    let fired = 0;
    clock.callLater(0, () => {
      fired++;
      client.transport?.write(Buffer.from("timer"));
    });
    pump.flush();
    assert.equal(fired, 1);
    assert.equal(server.text, "timer");
  });

  it("lets an exception from a protocol propagate to the caller of pump", () => {
    class Thrower extends Recorder {
      override dataReceived(): void {
        throw new Error("protocol bug");
      }
    }
    const { client, pump } = pair(Thrower, Recorder);
    client.transport?.write(Buffer.from("x"));
    assert.throws(() => pump.pump(), /protocol bug/);
  });

  it("can be built directly from two transports", () => {
    const { client, server, pump } = pair(Recorder, Recorder);
    const again = new IOPump(client, server, pump.clientIO, pump.serverIO, { chunkSize: 1 });
    client.transport?.write(Buffer.from("ab"));
    again.pump();
    assert.deepEqual(server.chunks, ["a", "b"]);
  });
});

class HandlerBug extends Error {
  override readonly name = "HandlerBug";
}

/** Lets every promise callback queued so far run. */
async function settle(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}

function recordingPair<S extends Recorder, C extends Recorder>(S: new () => S, C: new () => C) {
  const reports: { error: unknown; context: string }[] = [];
  const options = { reportError: (error: unknown, context: string) => reports.push({ error, context }) };
  const made = pair(S, C);
  const pump = new IOPump(made.client, made.server, made.pump.clientIO, made.pump.serverIO, options);
  return { client: made.client, server: made.server, pump, reports };
}

describe("IOPump with async handlers", () => {
  it("reports a dataReceived promise that rejects once and aborts that end with the error as the reason", async () => {
    class AsyncBug extends Recorder {
      override async dataReceived(data: Buffer): Promise<void> {
        super.dataReceived(data);
        await Promise.resolve();
        throw new HandlerBug(`bad ${data.toString()}`);
      }
    }
    const { client, server, pump, reports } = recordingPair(AsyncBug, Recorder);
    client.transport?.write(Buffer.from("x"));
    pump.flush();
    await settle();
    client.transport?.write(Buffer.from("late"));
    pump.flush();
    assert.deepEqual(server.chunks, ["x"]);
    assert.deepEqual(server.events, ["lost HandlerBug"]);
    assert.deepEqual(client.events, ["lost ConnectionLost"]);
    assert.equal(reports.length, 1);
    assert.match(String(reports[0]?.error), /bad x/);
    assert.match(reports[0]?.context ?? "", /AsyncBug\.dataReceived/);
  });

  it("watches what makeConnection returned when connectedServerAndClient connects", async () => {
    class FailsToStart extends Recorder {
      override async connectionMade(): Promise<void> {
        await Promise.resolve();
        throw new HandlerBug("no start");
      }
    }
    const { client, server, pump } = pair(FailsToStart, Recorder);
    await settle();
    pump.flush();
    assert.deepEqual(server.events, ["lost HandlerBug"]);
    assert.deepEqual(client.events, ["lost ConnectionLost"]);
  });

  it("only reports a connectionLost promise that rejects, as the connection is already closed", async () => {
    class LostBug extends Recorder {
      override async connectionLost(reason: Failure): Promise<void> {
        super.connectionLost(reason);
        await Promise.resolve();
        throw new HandlerBug("cleanup failed");
      }
    }
    const { client, server, pump, reports } = recordingPair(LostBug, Recorder);
    client.transport?.loseConnection();
    pump.flush();
    await settle();
    assert.equal(pump.flush(), false);
    assert.deepEqual(server.events, ["lost ConnectionDone"]);
    assert.deepEqual(client.events, ["lost ConnectionDone"]);
    assert.equal(reports.length, 1);
    assert.match(reports[0]?.context ?? "", /LostBug\.connectionLost/);
  });

  it("leaves the connection open when a handler's promise fulfils", async () => {
    class AsyncFine extends Recorder {
      override async dataReceived(data: Buffer): Promise<void> {
        await Promise.resolve();
        super.dataReceived(data);
      }
    }
    const { client, server, pump, reports } = recordingPair(AsyncFine, Recorder);
    client.transport?.write(Buffer.from("a"));
    pump.flush();
    await settle();
    client.transport?.write(Buffer.from("b"));
    pump.flush();
    await settle();
    assert.equal(pump.flush(), false);
    assert.deepEqual(server.chunks, ["a", "b"]);
    assert.deepEqual(server.events, []);
    assert.deepEqual(reports, []);
  });
});
