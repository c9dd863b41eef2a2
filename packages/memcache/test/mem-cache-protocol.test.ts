import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { ConnectionDone, ConnectionLost } from "@torsion/core";
import { Failure, type Deferred } from "@torsion/defer";
import {
  ClientError,
  InvalidArgumentError,
  InvalidKeyError,
  LineTooLongError,
  MalformedReplyError,
  MemCacheProtocol,
  MemcacheTimeoutError,
  NoSuchCommand,
  MemcacheNotConnectedError,
  ServerError,
  ValueTooLargeError,
} from "@torsion/memcache";
import { Clock, StringTransport, failureResultOf, successResultOf } from "@torsion/testing";

const b = (text: string): Buffer => Buffer.from(text, "latin1");

function connected(options: { timeOut?: number | null; compat?: "twisted"; maxValueLength?: number } = {}): {
  mc: MemCacheProtocol;
  transport: StringTransport;
  clock: Clock;
} {
  const clock = new Clock();
  const mc = new MemCacheProtocol({ clock, coalesceWrites: false, ...options });
  const transport = new StringTransport();
  mc.makeConnection(transport);
  return { mc, transport, clock };
}

function errorOf(deferred: Deferred<unknown>): Error {
  return failureResultOf(deferred).value;
}

describe("MemCacheProtocol", () => {
  it("writes Twisted's command lines and resolves pipelined replies in order", () => {
    const { mc, transport } = connected();
    const set = mc.set(b("k"), b("a\r\nb"), 3, 60);
    const get = mc.get("k");
    const incr = mc.increment("n", 5n);
    const del = mc.delete("k");
    assert.equal(transport.value().toString("latin1"), "set k 3 60 4\r\na\r\nb\r\nget k\r\nincr n 5\r\ndelete k\r\n");
    mc.dataReceived(b("STORED\r\nVALUE k 3 4\r\na\r\nb\r\nEND\r\n18446744073709551615\r\nNOT_FOUND\r\n"));
    assert.equal(successResultOf(set), true);
    assert.deepEqual(successResultOf(get), [3, b("a\r\nb")]);
    assert.equal(successResultOf(incr), 18446744073709551615n);
    assert.equal(successResultOf(del), false);
    assert.equal(mc.pendingCount, 0);
  });

  it("by default sends the commands issued before the event loop's next check phase in one writeSequence", async () => {
    const clock = new Clock();
    const mc = new MemCacheProtocol({ clock });
    const transport = new StringTransport();
    mc.makeConnection(transport);
    void mc.set("a", b("1"));
    void mc.get("a");
    assert.equal(transport.value().length, 0, "nothing written synchronously");
    await Promise.resolve();
    assert.equal(transport.value().length, 0, "nor when the microtasks ran");
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(transport.value().toString(), "set a 0 0 1\r\n1\r\nget a\r\n");
  });

  it("maps ERROR, CLIENT_ERROR and SERVER_ERROR to typed errors with plain-text messages", () => {
    const { mc } = connected();
    const [one, two, three] = [mc.version(), mc.flushAll(), mc.stats()];
    mc.dataReceived(b("ERROR\r\nCLIENT_ERROR bad data chunk\r\nSERVER_ERROR out of memory\r\n"));
    assert.ok(errorOf(one) instanceof NoSuchCommand);
    const client = errorOf(two);
    assert.ok(client instanceof ClientError && client.message === "bad data chunk" && client.serverMessage?.equals(b("bad data chunk")));
    const server = errorOf(three);
    assert.ok(server instanceof ServerError && server.message === "out of memory" && server.code === "ERR_MEMCACHE_SERVER_ERROR");
  });

  it("gives getMultiple's map keyed by the caller's keys, in request order, misses filled in", () => {
    const { mc, transport } = connected();
    const result = mc.getMultiple(["b", "a", "b"], true);
    assert.equal(transport.value().toString(), "gets b a b\r\n");
    mc.dataReceived(b("VALUE a 1 1 77\r\nx\r\nEND\r\n"));
    assert.deepEqual(
      [...successResultOf(result)],
      [
        ["b", [0, Buffer.alloc(0), null]],
        ["a", [1, b("77"), b("x")]],
      ],
    );
  });

  it("refuses unsafe keys and non-bytes values by default, without writing anything", () => {
    const { mc, transport } = connected();
    for (const key of ["", "a b", "a\r\nflush_all", "tab\t", "del\x7f", "x".repeat(251)]) {
      assert.ok(errorOf(mc.get(key)) instanceof InvalidKeyError, JSON.stringify(key));
      assert.ok(errorOf(mc.delete(key)) instanceof InvalidKeyError, `delete ${JSON.stringify(key)}`);
    }
    const error = errorOf(mc.set("k", "text" as unknown as Buffer));
    assert.ok(error instanceof InvalidArgumentError && error instanceof ClientError);
    assert.ok(errorOf(mc.set("k", b("v"), 2 ** 32)) instanceof InvalidArgumentError);
    assert.ok(errorOf(mc.increment("k", -1)) instanceof InvalidArgumentError);
    assert.ok(errorOf(mc.checkAndSet("k", b("v"), b("12 x"))) instanceof ClientError);
    assert.ok(errorOf(mc.getMultiple([])) instanceof ClientError);
    assert.equal(transport.value().length, 0);
    assert.equal(mc.pendingCount, 0);
  });

  it('sends Twisted\'s unchecked keys under compat: "twisted" (the injection hazard the default closes)', () => {
    const { mc, transport } = connected({ compat: "twisted" });
    void mc.delete(b("a\r\nflush_all"));
    assert.equal(transport.value().toString(), "delete a\r\nflush_all\r\n");
    assert.ok(errorOf(mc.get("string key")) instanceof ClientError, "Twisted refuses str keys");
  });

  it("fails every pending command with MalformedReplyError and closes on a reply it cannot match", () => {
    for (const reply of [
      "WHAT\r\n",
      "STORED extra\r\n",
      "END\r\n",
      "VERSION\r\n",
      "\r\n",
      "stored\r\n",
      "12\r\n",
      "VALUE other 0 1\r\nx\r\nEND\r\n",
    ]) {
      const { mc, transport } = connected();
      const first = mc.set("k", b("v"));
      const second = mc.get("k");
      mc.dataReceived(b(reply));
      for (const pending of [first, second]) assert.ok(errorOf(pending) instanceof MalformedReplyError, reply);
      assert.ok(transport.disconnecting, reply);
      assert.equal(mc.pendingCount, 0);
    }
  });

  it("fails pending commands with LineTooLongError or ValueTooLargeError and closes", () => {
    const long = connected();
    const stats = long.mc.stats();
    long.mc.dataReceived(Buffer.alloc(20000, 0x41));
    assert.ok(errorOf(stats) instanceof LineTooLongError);
    assert.ok(long.transport.disconnecting);
    const large = connected({ maxValueLength: 100 });
    const get = large.mc.get("k");
    large.mc.dataReceived(b("VALUE k 0 101\r\n"));
    assert.ok(errorOf(get) instanceof ValueTooLargeError);
    assert.ok(large.transport.disconnecting);
  });

  it("arms the timeout only when idle, restarts it on lines and value chunks, and cancels it when the queue empties", () => {
    const { mc, clock, transport } = connected({ timeOut: 10 });
    const get = mc.get("k");
    clock.advance(6);
    void mc.version();
    clock.advance(3);
    mc.dataReceived(b("VALUE k 0 6\r\nabc"));
    clock.advance(9);
    mc.dataReceived(b("d"));
    clock.advance(9);
    mc.dataReceived(b("ef\r\nEND\r\nVERS"));
    assert.deepEqual(successResultOf(get), [0, b("abcdef")]);
    clock.advance(9.5);
    assert.equal(transport.disconnecting, false);
    clock.advance(0.5);
    assert.ok(transport.disconnecting, "a partial line does not restart it");
    assert.equal(clock.getDelayedCalls().length, 0);
    const done = connected({ timeOut: 10 });
    void done.mc.flushAll();
    done.mc.dataReceived(b("OK\r\n"));
    assert.equal(done.clock.getDelayedCalls().length, 0);
  });

  it("fails pending commands with MemcacheTimeoutError when no reply comes", () => {
    const { mc, clock, transport } = connected({ timeOut: 5 });
    const one = mc.get("a");
    const two = mc.get("b");
    clock.advance(5);
    for (const d of [one, two]) {
      const error = errorOf(d);
      assert.ok(error instanceof MemcacheTimeoutError && error.name === "TimeoutError" && error.message === "Connection timeout");
    }
    assert.ok(transport.disconnecting);
  });

  it("cancels the timeout on connectionLost and fails pending commands with the reason (Twisted keeps the timer)", () => {
    const { mc, clock } = connected({ timeOut: 5 });
    const pending = mc.get("a");
    mc.connectionLost(new Failure(new ConnectionLost()));
    assert.ok(errorOf(pending) instanceof ConnectionLost);
    assert.equal(clock.getDelayedCalls().length, 0);
    assert.ok(errorOf(mc.get("a")) instanceof MemcacheNotConnectedError);
  });

  it("fails commands made before the connection with MemcacheNotConnectedError", () => {
    const mc = new MemCacheProtocol({ clock: new Clock() });
    assert.ok(errorOf(mc.version()) instanceof MemcacheNotConnectedError);
    mc.makeConnection(new StringTransport());
    mc.connectionLost(new Failure(new ConnectionDone()));
    assert.equal(errorOf(mc.flushAll()).message, "not connected");
  });
});
