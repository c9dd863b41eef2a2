import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { ConnectionDone } from "@torsion/core";
import { CancelledError, type Deferred } from "@torsion/defer";
import { Clock, StringTransport, StringTransportWithDisconnection } from "@torsion/testing";
import {
  RedisArgumentError,
  RedisConnectionClosedError,
  RedisConnectionLostError,
  RedisError,
  RedisProtocol,
  RedisTimeoutError,
  encodeCommand,
  type RedisProtocolOptions,
} from "@torsion/redis";

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A connected protocol, handshake answered for RESP`version`. */
function connected(
  version: 2 | 3,
  options: RedisProtocolOptions = {},
): { redis: RedisProtocol; transport: StringTransportWithDisconnection; writes: () => number } {
  const redis = new RedisProtocol({ protocol: version, ...options });
  const transport = new StringTransportWithDisconnection();
  transport.protocol = redis;
  let writes = 0;
  const write = transport.write.bind(transport);
  const writeSequence = transport.writeSequence.bind(transport);
  transport.write = (data) => {
    writes += 1;
    write(data);
  };
  transport.writeSequence = (data) => {
    writes += 1;
    writeSequence(data);
  };
  redis.makeConnection(transport);
  if (version === 3) {
    assert.deepEqual(transport.value(), encodeCommand(["HELLO", "3"]));
    transport.clear();
    redis.dataReceived(Buffer.from("%1\r\n+proto\r\n:3\r\n"));
  }
  assert.deepEqual(transport.value(), encodeCommand(["PING"]));
  transport.clear();
  redis.dataReceived(Buffer.from("+PONG\r\n"));
  assert.equal(redis.ready, true);
  return { redis, transport, writes: () => writes };
}

async function failure(d: Deferred<unknown>): Promise<unknown> {
  try {
    await d;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

describe("RedisProtocol", () => {
  it("writes the commands issued in one tick as one write and matches replies in order", async () => {
    const { redis, transport, writes } = connected(2);
    const before = writes();
    const replies = [redis.set("a", "1"), redis.get("a"), redis.incr("n")];
    assert.equal(transport.value().length, 0, "nothing written before the microtask");
    await Promise.resolve();
    assert.equal(writes() - before, 1);
    assert.deepEqual(
      transport.value(),
      Buffer.concat([encodeCommand(["SET", "a", "1"]), encodeCommand(["GET", "a"]), encodeCommand(["INCR", "n"])]),
    );
    redis.dataReceived(Buffer.from("+OK\r\n$1\r\n1\r\n:7\r\n"));
    assert.deepEqual(await Promise.all(replies), [true, Buffer.from("1"), 7]);
  });

  it("holds commands issued during the handshake and sends them after it", async () => {
    const redis = new RedisProtocol({ protocol: 3, password: "pw", db: 4 });
    const transport = new StringTransport();
    redis.makeConnection(transport);
    const early = redis.getString("k");
    await tick();
    assert.deepEqual(transport.value(), encodeCommand(["HELLO", "3", "AUTH", "default", "pw"]));
    transport.clear();
    redis.dataReceived(Buffer.from("-NOPROTO sorry, this protocol version is not supported\r\n"));
    assert.deepEqual(
      transport.value(),
      Buffer.concat([encodeCommand(["AUTH", "pw"]), encodeCommand(["SELECT", 4]), encodeCommand(["PING"])]),
    );
    transport.clear();
    redis.dataReceived(Buffer.from("+OK\r\n+OK\r\n+PONG\r\n"));
    assert.equal(redis.protocolVersion, 2);
    await tick();
    assert.deepEqual(transport.value(), encodeCommand(["GET", "k"]));
    redis.dataReceived(Buffer.from("$1\r\nv\r\n"));
    assert.equal(await early, "v");
  });

  it("routes RESP3 pushes to pub/sub and never to the pending replies", async () => {
    const { redis } = connected(3);
    const messages: string[] = [];
    const subscribed = redis.subscribe(["a", "b"], (message, channel) => messages.push(`${channel}=${message.toString()}`));
    const get = redis.get("k");
    redis.dataReceived(Buffer.from(">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n>3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n"));
    assert.equal(subscribed.peek().state, "pending", "one confirmation of two");
    redis.dataReceived(Buffer.from(">3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n>3\r\n$7\r\nmessage\r\n$1\r\nb\r\n$2\r\nyo\r\n$1\r\nv\r\n"));
    assert.equal(await subscribed, null);
    assert.deepEqual(await get, Buffer.from("v"));
    assert.deepEqual(messages, ["a=hi", "b=yo"]);
  });

  it("tells RESP2 messages from replies by the subscribed mode", async () => {
    const { redis } = connected(2);
    const messages: string[] = [];
    const listRange = redis.lrange("l", 0, -1);
    redis.dataReceived(Buffer.from("*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$1\r\nb\r\n"));
    assert.deepEqual((await listRange).map(String), ["message", "a", "b"], "not subscribed: a plain reply");
    const subscribed = redis.psubscribe(["n.*"], (message, channel, pattern) =>
      messages.push(`${pattern ?? "-"}:${channel}=${message.toString()}`),
    );
    const ping = redis.ping();
    redis.dataReceived(
      Buffer.from(
        "*3\r\n$10\r\npsubscribe\r\n$3\r\nn.*\r\n:1\r\n*4\r\n$8\r\npmessage\r\n$3\r\nn.*\r\n$3\r\nn.x\r\n$1\r\n1\r\n*2\r\n$4\r\npong\r\n$0\r\n\r\n",
      ),
    );
    assert.equal(await subscribed, null);
    assert.equal(await ping, "PONG");
    assert.deepEqual(messages, ["n.*:n.x=1"]);
    const unsubscribed = redis.punsubscribe();
    redis.dataReceived(Buffer.from("*3\r\n$12\r\npunsubscribe\r\n$3\r\nn.*\r\n:0\r\n"));
    assert.equal(await unsubscribed, null);
    const after = redis.lrange("l", 0, -1);
    redis.dataReceived(Buffer.from("*4\r\n$8\r\npmessage\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n"));
    assert.equal((await after).length, 4);
  });

  it("drops the reply of a cancelled command and keeps the next ones aligned", async () => {
    const { redis } = connected(2);
    const first = redis.get("a");
    const second = redis.get("b");
    first.cancel();
    assert.ok((await failure(first)) instanceof CancelledError);
    redis.dataReceived(Buffer.from("$1\r\nA\r\n$1\r\nB\r\n"));
    assert.deepEqual(await second, Buffer.from("B"));
    assert.equal(redis.pendingCount, 0);
  });

  it("fails an error reply's command only, as RedisError with its code", async () => {
    const { redis } = connected(3);
    const bad = redis.incr("list");
    const good = redis.ping();
    redis.dataReceived(Buffer.from("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n+PONG\r\n"));
    const error = await failure(bad);
    assert.ok(error instanceof RedisError && error.code === "WRONGTYPE");
    assert.equal(await good, "PONG");
  });

  it("fails the waiting commands with RedisConnectionLostError and later ones with RedisConnectionClosedError", async () => {
    const { redis, transport } = connected(2);
    const waiting = failure(redis.get("a"));
    transport.peerClosed(new ConnectionDone());
    const lost = await waiting;
    assert.ok(lost instanceof RedisConnectionLostError && lost.cause instanceof ConnectionDone);
    assert.ok((await failure(redis.get("b"))) instanceof RedisConnectionClosedError);
  });

  it("times out when no reply comes for replyTimeout seconds, on the injected clock", async () => {
    const clock = new Clock();
    const { redis, transport } = connected(2, { clock, replyTimeout: 5 });
    const first = redis.get("a");
    const second = failure(redis.get("b"));
    clock.advance(4);
    redis.dataReceived(Buffer.from("$-1\r\n"));
    assert.equal(await first, null);
    clock.advance(4.9);
    assert.equal(transport.disconnected, false, "a reply restarted the countdown");
    clock.advance(0.2);
    assert.equal(transport.disconnected, true);
    assert.ok((await second) instanceof RedisTimeoutError);
  });

  it("closes the connection on a malformed reply", async () => {
    const { redis, transport } = connected(2);
    const waiting = failure(redis.get("a"));
    redis.dataReceived(Buffer.from("?garbage\r\n"));
    assert.equal(transport.disconnecting, true);
    assert.ok((await waiting) instanceof RedisConnectionLostError);
  });

  it("sends MULTI, the queued commands and EXEC together", async () => {
    const { redis, transport } = connected(2);
    const exec = redis.multi().command("INCR", "a").command("GET", "b").exec();
    await Promise.resolve();
    assert.deepEqual(
      transport.value(),
      Buffer.concat([encodeCommand(["MULTI"]), encodeCommand(["INCR", "a"]), encodeCommand(["GET", "b"]), encodeCommand(["EXEC"])]),
    );
    redis.dataReceived(Buffer.from("+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n:1\r\n$-1\r\n"));
    assert.deepEqual(await exec, [1, null]);
  });

  it("sends a pipeline as one write and fires it once, with each reply (or its error) in its slot", async () => {
    const { redis, transport, writes } = connected(2);
    const before = writes();
    const pipeline = redis
      .pipeline()
      .command("SET", "a", "1")
      .add(["GET", "a"], (value) => (Buffer.isBuffer(value) ? value.toString() : value))
      .command("LPUSH", "a", "x")
      .add(["INCR", "a"], () => {
        throw new TypeError("not wanted");
      });
    assert.equal(pipeline.length, 4);
    const done = pipeline.exec();
    assert.throws(() => pipeline.exec(), RedisConnectionClosedError);
    await Promise.resolve();
    assert.equal(writes() - before, 1);
    assert.deepEqual(
      transport.value(),
      Buffer.concat([
        encodeCommand(["SET", "a", "1"]),
        encodeCommand(["GET", "a"]),
        encodeCommand(["LPUSH", "a", "x"]),
        encodeCommand(["INCR", "a"]),
      ]),
    );
    redis.dataReceived(Buffer.from("+OK\r\n$1\r\n1\r\n-WRONGTYPE Operation against a key\r\n"));
    assert.equal(done.called, false, "not before the last reply");
    assert.equal(redis.pendingCount, 1);
    redis.dataReceived(Buffer.from(":2\r\n"));
    const replies = await done;
    assert.equal(replies[0], "OK");
    assert.equal(replies[1], "1");
    assert.ok(replies[2] instanceof RedisError && replies[2].code === "WRONGTYPE");
    assert.ok(replies[3] instanceof TypeError);
    assert.equal(redis.pendingCount, 0);
  });

  it("keeps a pipeline and single commands in order around it", async () => {
    const { redis } = connected(3);
    const first = redis.get("x");
    const batch = redis.sendBatch([
      ["INCR", "n"],
      ["INCR", "n"],
    ]);
    const last = redis.incr("n");
    redis.dataReceived(Buffer.from("_\r\n:1\r\n:2\r\n:3\r\n"));
    assert.equal(await first, null);
    assert.deepEqual(await batch, [1, 2]);
    assert.equal(await last, 3);
  });

  it("gives an empty pipeline an empty array without writing", async () => {
    const { redis, writes } = connected(2);
    const before = writes();
    assert.deepEqual(await redis.pipeline().exec(), []);
    await Promise.resolve();
    assert.equal(writes(), before);
  });

  it("refuses a pipeline with a bad argument or a (un)subscribe command and sends none of it", async () => {
    const { redis, transport } = connected(2);
    const bad = await failure(redis.sendBatch([["PING"], ["SET", "k", NaN]]));
    assert.ok(bad instanceof RedisArgumentError);
    assert.match(bad.message, /command 1/);
    for (const name of ["SUBSCRIBE", "psubscribe", "Unsubscribe", "PUNSUBSCRIBE", "ssubscribe", "sunsubscribe"]) {
      assert.ok((await failure(redis.pipeline().command("PING").command(name, "c").exec())) instanceof RedisArgumentError, name);
    }
    await Promise.resolve();
    assert.equal(transport.value().length, 0);
    assert.equal(redis.pendingCount, 0);
  });

  it("holds a pipeline issued during the handshake and sends it after", async () => {
    const redis = new RedisProtocol({ protocol: 2 });
    const transport = new StringTransport();
    redis.makeConnection(transport);
    const batch = redis.sendBatch([
      ["GET", "a"],
      ["GET", "b"],
    ]);
    assert.deepEqual(transport.value(), encodeCommand(["PING"]));
    transport.clear();
    redis.dataReceived(Buffer.from("+PONG\r\n"));
    await Promise.resolve();
    assert.deepEqual(transport.value(), Buffer.concat([encodeCommand(["GET", "a"]), encodeCommand(["GET", "b"])]));
    redis.dataReceived(Buffer.from("$1\r\nA\r\n$-1\r\n"));
    assert.deepEqual(await batch, [Buffer.from("A"), null]);
  });

  it("drops the replies of a cancelled pipeline and keeps the next command aligned", async () => {
    const { redis } = connected(2);
    const batch = redis.sendBatch([
      ["GET", "a"],
      ["GET", "b"],
    ]);
    const next = redis.getString("c");
    batch.cancel();
    assert.ok((await failure(batch)) instanceof CancelledError);
    redis.dataReceived(Buffer.from("$1\r\nA\r\n$1\r\nB\r\n$1\r\nC\r\n"));
    assert.equal(await next, "C");
  });

  it("fails a waiting pipeline with the connection's loss", async () => {
    const { redis, transport } = connected(2);
    const batch = redis.sendBatch([
      ["GET", "a"],
      ["GET", "b"],
    ]);
    await Promise.resolve();
    redis.dataReceived(Buffer.from("$1\r\nA\r\n"));
    transport.loseConnection();
    assert.ok((await failure(batch)) instanceof RedisConnectionLostError);
  });

  it("matches replies in order while the queue wraps around and grows", async () => {
    const { redis } = connected(2);
    const waiting: Deferred<number>[] = [];
    let answered = 0;
    const answer = (n: number): void => {
      let wire = "";
      for (let i = 0; i < n; i += 1) wire += `:${answered + i}\r\n`;
      answered += n;
      redis.dataReceived(Buffer.from(wire));
    };
    for (let step = 0; step < 6; step += 1) {
      for (let i = 0; i < 50 + 37 * step; i += 1) waiting.push(redis.incr("n"));
      answer(Math.floor((waiting.length - answered) / 2));
    }
    answer(waiting.length - answered);
    assert.equal(redis.pendingCount, 0);
    assert.deepEqual(
      await Promise.all(waiting),
      waiting.map((_d, i) => i),
    );
  });
});
