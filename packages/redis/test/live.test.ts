/**
 * Against a real redis-server (7.x) started for this file: every command family, in RESP2
 * and RESP3, pipelines of 100,000 commands, pub/sub across two clients, transactions with
 * a WATCH conflict, RESP3 types through DEBUG PROTOCOL, AUTH, Unix sockets, and a server
 * restart in the middle of traffic.
 */
import { strict as assert } from "node:assert";
import { after, before, describe, it } from "node:test";
import { CancelledError, setErrorReporter, type Deferred, type ErrorReporter } from "@torsion/defer";
import { clientFromString, connectProtocol } from "@torsion/endpoints";
import { NodeReactor } from "@torsion/reactor";
import {
  RedisClient,
  RedisConnectionLostError,
  RedisError,
  RedisExecAbortError,
  RedisHandshakeError,
  RedisProtocol,
  RespMap,
  RespSet,
  VerbatimString,
  type RedisClientOptions,
} from "@torsion/redis";
import { RedisServer, redisMissing } from "./redis-server.js";

const missing = redisMissing();
const reactor = new NodeReactor({ installSignalHandlers: false });
let server: RedisServer;
const clients: RedisClient[] = [];

function client(options: RedisClientOptions = {}, url = server.url): RedisClient {
  const made = new RedisClient(reactor, url, { retryPolicy: () => 0.05, ...options }).start();
  clients.push(made);
  return made;
}

async function waitFor(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function rejects(d: Deferred<unknown>): Promise<unknown> {
  try {
    await d;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

describe("RedisClient against redis-server", { skip: missing ?? false }, () => {
  const reported: string[] = [];
  let previousReporter: ErrorReporter;
  before(() => {
    previousReporter = setErrorReporter((error, context) =>
      reported.push(`${context}: ${String(error)} ${(error as { value?: { stack?: string } }).value?.stack ?? ""}`),
    );
  });
  after(() => {
    setErrorReporter(previousReporter);
    assert.deepEqual(reported, [], "nothing reported");
  });
  before(async () => {
    server = await RedisServer.start();
  });
  after(async () => {
    for (const c of clients.splice(0)) await c.close();
    for (const call of reactor.getDelayedCalls()) call.cancel();
    await server.dispose();
  });

  for (const protocol of [2, 3] as const) {
    it(`runs the string, key, expiry and counter commands over RESP${protocol}`, async () => {
      const redis = client({ protocol, db: protocol });
      assert.equal((await redis.whenConnected()).protocolVersion, protocol);
      await redis.flushdb();
      assert.equal(await redis.set("s", "héllo"), true);
      assert.equal(await redis.getString("s"), "héllo");
      assert.equal(await redis.set("s", "x", { nx: true }), false);
      assert.deepEqual(await redis.get("missing"), null);
      const binary = Buffer.from([0, 13, 10, 255, 1]);
      await redis.set("bin", binary);
      assert.ok((await redis.get("bin"))?.equals(binary));
      assert.equal(await redis.incr("n"), 1);
      assert.equal(await redis.incrby("n", 41), 42);
      assert.equal(await redis.decr("n"), 41);
      assert.equal(await redis.incrbyfloat("f", 1.5), 1.5);
      assert.equal(await redis.append("s", "!"), 7);
      await redis.mset({ a: "1", b: "2" });
      assert.deepEqual(
        (await redis.mget("a", "b", "zz")).map((v) => v?.toString() ?? null),
        ["1", "2", null],
      );
      assert.equal(await redis.exists("a", "b", "zz"), 2);
      assert.equal(await redis.ttl("a"), -1);
      assert.equal(await redis.expire("a", 100), true);
      const ttl = await redis.ttl("a");
      assert.ok(ttl > 90 && ttl <= 100, `ttl ${ttl}`);
      await redis.set("t", "v", { ex: 50 });
      assert.ok((await redis.pttl("t")) > 40_000);
      assert.equal(await redis.setex("cache", 30, "v"), true);
      assert.equal(await redis.ttl("missing"), -2);
      assert.equal(await redis.type("a"), "string");
      assert.equal(await redis.del("a", "b", "zz"), 2);
      assert.equal(await redis.dbsize(), 6);
      await redis.set("big", "9223372036854775806");
      assert.equal(await redis.command("INCR", "big"), 9223372036854775807n);
      assert.equal(await redis.ping(), "PONG");
    });

    it(`runs the hash, list, set and sorted-set commands over RESP${protocol}`, async () => {
      const redis = client({ protocol, db: protocol + 4 });
      await redis.flushdb();
      assert.equal(await redis.hset("h", { f1: "a", f2: "b" }), 2);
      assert.equal(await redis.hset("h", "f3", "c"), 1);
      assert.equal((await redis.hget("h", "f1"))?.toString(), "a");
      assert.deepEqual(Object.fromEntries(Object.entries(await redis.hgetall("h")).map(([k, v]) => [k, v.toString()])), {
        f1: "a",
        f2: "b",
        f3: "c",
      });
      assert.deepEqual(await redis.hgetall("nothing"), {});
      assert.equal(await redis.hexists("h", "f2"), true);
      assert.equal(await redis.hincrby("h", "n", 5), 5);
      assert.deepEqual((await redis.hkeys("h")).sort(), ["f1", "f2", "f3", "n"]);
      assert.equal(await redis.hdel("h", "f1", "nope"), 1);
      assert.equal(await redis.hlen("h"), 3);
      assert.equal(await redis.rpush("l", "a", "b", "c"), 3);
      assert.equal(await redis.lpush("l", "z"), 4);
      assert.deepEqual((await redis.lrange("l", 0, -1)).map(String), ["z", "a", "b", "c"]);
      assert.equal((await redis.lpop("l"))?.toString(), "z");
      assert.equal((await redis.rpop("l"))?.toString(), "c");
      assert.equal(await redis.llen("l"), 2);
      assert.equal(await redis.sadd("s", "x", "y", "x"), 2);
      assert.deepEqual((await redis.smembers("s")).map(String).sort(), ["x", "y"]);
      assert.equal(await redis.sismember("s", "y"), true);
      assert.equal(await redis.scard("s"), 2);
      const raw = await redis.command("SMEMBERS", "s");
      assert.equal(raw instanceof RespSet, protocol === 3);
      assert.equal(
        await redis.zadd("z", [
          [1, "one"],
          [2.5, "two"],
        ]),
        2,
      );
      assert.equal(await redis.zadd("z", { three: 3 }), 1);
      assert.equal(await redis.zscore("z", "two"), 2.5);
      assert.equal(await redis.zscore("z", "none"), null);
      assert.equal(await redis.zincrby("z", 1, "one"), 2);
      assert.deepEqual((await redis.zrange("z", 0, -1)).map(String), ["one", "two", "three"]);
      assert.deepEqual(
        (await redis.zrangeWithScores("z", 0, 1)).map(([m, s]) => [m.toString(), s]),
        [
          ["one", 2],
          ["two", 2.5],
        ],
      );
      assert.equal(await redis.zrank("z", "three"), 2);
      assert.equal(await redis.zcard("z"), 3);
    });

    it(`iterates every key with SCAN and every member with SSCAN over RESP${protocol}`, async () => {
      const redis = client({ protocol, db: protocol + 8 });
      await redis.flushdb();
      for (let i = 0; i < 500; i += 1) void redis.set(`key:${i}`, "v");
      await redis.sadd("members", ...Array.from({ length: 300 }, (_, i) => `m${i}`));
      const seen = new Set<string>();
      for await (const key of redis.scan({ match: "key:*", count: 50 })) seen.add(key);
      assert.equal(seen.size, 500);
      let members = 0;
      for await (const member of redis.sscan("members", { count: 20 })) if (member.toString().startsWith("m")) members += 1;
      assert.ok(members >= 300);
    });

    it(`fails only the command whose reply is an error over RESP${protocol}`, async () => {
      const redis = client({ protocol });
      await redis.lpush("wrongtype-list", "x");
      const failed = redis.incr("wrongtype-list");
      const next = redis.ping();
      const error = await rejects(failed);
      assert.ok(error instanceof RedisError);
      assert.equal(error.code, "WRONGTYPE");
      assert.equal(await next, "PONG");
      const unknown = await rejects(redis.command("NOSUCHCOMMAND"));
      assert.ok(unknown instanceof RedisError && unknown.code === "ERR");
    });

    it(`pipelines 100,000 commands and matches every reply in order over RESP${protocol}`, async () => {
      const redis = client({ protocol, db: 12 + protocol });
      const protocolConnection = await redis.whenConnected();
      const sets: Deferred<boolean>[] = [];
      for (let i = 0; i < 50_000; i += 1) sets.push(redis.set(`p${i}`, `value-${i}`));
      const gets: Deferred<string | null>[] = [];
      for (let i = 0; i < 50_000; i += 1) gets.push(redis.getString(`p${i}`));
      assert.equal(protocolConnection.pendingCount, 100_000);
      for (const d of sets) assert.equal(await d, true);
      for (let i = 0; i < gets.length; i += 1) assert.equal(await gets[i], `value-${i}`);
    });

    it(`runs a pipeline of 100,000 commands with one Deferred and every reply in its slot over RESP${protocol}`, async () => {
      const redis = client({ protocol, db: 12 + protocol });
      const pipeline = redis.pipeline();
      for (let i = 0; i < 50_000; i += 1) pipeline.command("SET", `b${i}`, `value-${i}`);
      pipeline.command("LPUSH", "b0", "x"); // WRONGTYPE: an error in its slot, not a failed pipeline
      for (let i = 0; i < 49_999; i += 1) pipeline.add(["GET", `b${i}`], (value) => (Buffer.isBuffer(value) ? value.toString() : value));
      const replies = await pipeline.exec();
      assert.equal(replies.length, 100_000);
      for (let i = 0; i < 50_000; i += 1) assert.equal(replies[i], "OK");
      assert.ok(replies[50_000] instanceof RedisError);
      assert.equal(replies[50_000].code, "WRONGTYPE");
      for (let i = 0; i < 49_999; i += 1) assert.equal(replies[50_001 + i], `value-${i}`);
      assert.equal(await redis.getString("b1"), "value-1", "the connection is still aligned");
    });

    it(`delivers pub/sub messages between two clients over RESP${protocol}`, async () => {
      const subscriber = client({ protocol });
      const publisher = client({ protocol });
      const got: string[] = [];
      await subscriber.subscribe(["news", "sport"], (message, channel) => got.push(`${channel}:${message.toString()}`));
      await subscriber.psubscribe(["log.*"], (message, channel, pattern) => got.push(`${pattern ?? "-"}|${channel}:${message.toString()}`));
      assert.equal(await publisher.publish("news", "hello"), 1);
      assert.equal(await publisher.publish("log.db", "slow"), 1);
      assert.equal(await publisher.publish("other", "unheard"), 0);
      await publisher.publish("sport", Buffer.from("goal"));
      await waitFor(() => got.length === 3, "three messages");
      assert.deepEqual(got, ["news:hello", "log.*|log.db:slow", "sport:goal"]);
      assert.equal(await subscriber.ping(), "PONG");
      if (protocol === 3) {
        await subscriber.set("while-subscribed", "ok");
        assert.equal(await subscriber.getString("while-subscribed"), "ok");
      } else {
        const refused = await rejects(subscriber.get("x"));
        assert.ok(refused instanceof RedisError && /only .* allowed/i.test(refused.message));
      }
      await subscriber.unsubscribe(["news"]);
      assert.equal(await publisher.publish("news", "after"), 0);
      await subscriber.unsubscribe();
      await subscriber.punsubscribe();
      assert.equal(await publisher.publish("sport", "after"), 0);
      assert.equal(await subscriber.set("normal-again", "1"), true);
    });

    it(`runs MULTI/EXEC with runtime errors in place, EXECABORT and a WATCH conflict over RESP${protocol}`, async () => {
      const redis = client({ protocol });
      const other = client({ protocol });
      await redis.del("tx:n", "tx:list");
      const results = await redis.multi().command("INCR", "tx:n").command("LPUSH", "tx:n", "x").command("INCR", "tx:n").exec();
      assert.ok(results !== null);
      assert.equal(results[0], 1);
      assert.ok(results[1] instanceof RedisError && results[1].code === "WRONGTYPE");
      assert.equal(results[2], 2);
      const aborted = await rejects(redis.multi().command("INCR", "tx:n").command("NOSUCHCOMMAND").exec());
      assert.ok(aborted instanceof RedisExecAbortError);
      assert.equal(aborted.code, "EXECABORT");
      assert.equal(aborted.queueErrors[0], undefined);
      assert.ok(aborted.queueErrors[1] instanceof RedisError);
      assert.equal(await redis.getString("tx:n"), "2");
      await redis.watch("tx:n");
      await other.incr("tx:n");
      assert.equal(await redis.multi().command("SET", "tx:n", "100").exec(), null);
      assert.equal(await redis.getString("tx:n"), "3");
      await redis.watch("tx:n");
      assert.deepEqual(await redis.multi().command("SET", "tx:n", "100").exec(), ["OK"]);
    });
  }

  it("decodes RESP3 maps, sets, doubles, big numbers, booleans, nulls and verbatim strings from DEBUG PROTOCOL", async () => {
    const redis = client({ protocol: 3 });
    const map = await redis.command("DEBUG", "PROTOCOL", "map");
    assert.ok(map instanceof RespMap && map.size === 3);
    const set = await redis.command("DEBUG", "PROTOCOL", "set");
    assert.ok(set instanceof RespSet && set.size === 3);
    assert.equal(await redis.command("DEBUG", "PROTOCOL", "double"), 3.141);
    assert.equal(await redis.command("DEBUG", "PROTOCOL", "bignum"), 1234567999999999999999999999999999999n);
    assert.equal(await redis.command("DEBUG", "PROTOCOL", "true"), true);
    assert.equal(await redis.command("DEBUG", "PROTOCOL", "false"), false);
    assert.equal(await redis.command("DEBUG", "PROTOCOL", "null"), null);
    const verbatim = await redis.command("DEBUG", "PROTOCOL", "verbatim");
    assert.ok(verbatim instanceof VerbatimString && verbatim.format === "txt" && verbatim.toString().length > 0);
    assert.deepEqual(await redis.command("DEBUG", "PROTOCOL", "attrib"), Buffer.from("Some real reply following the attribute"));
    const resp2 = client({ protocol: 2 });
    assert.deepEqual(await resp2.command("DEBUG", "PROTOCOL", "bignum"), Buffer.from("1234567999999999999999999999999999999"));
    assert.deepEqual(await resp2.command("DEBUG", "PROTOCOL", "map"), [0, 0, 1, 1, 2, 0]);
  });

  it("authenticates with HELLO AUTH and with RESP2 AUTH, and fails the handshake with a bad password", async () => {
    const admin = client();
    await admin.command("ACL", "SETUSER", "alice", "on", ">s3cret", "~*", "&*", "+@all");
    const url = `redis://alice:s3cret@127.0.0.1:${server.port}/1`;
    for (const protocol of [2, 3] as const) {
      const alice = client({ protocol, clientName: `alice-${protocol}` }, url);
      assert.deepEqual(await alice.command("ACL", "WHOAMI"), Buffer.from("alice"));
      assert.deepEqual(await alice.command("CLIENT", "GETNAME"), Buffer.from(`alice-${protocol}`));
    }
    for (const protocol of [2, 3] as const) {
      const bad = new RedisProtocol({ protocol, username: "alice", password: "wrong" });
      await connectProtocol(clientFromString(reactor, `tcp:host=127.0.0.1:port=${server.port}`), bad);
      const error = await rejects(bad.whenReady());
      assert.ok(error instanceof RedisHandshakeError, String(error));
      assert.ok(error.cause instanceof RedisError && error.cause.code === "WRONGPASS");
      await bad.whenLost();
    }
  });

  it("keeps replies aligned when a command is cancelled before its reply", async () => {
    const redis = client();
    await redis.set("c1", "one");
    await redis.set("c2", "two");
    const first = redis.getString("c1");
    const second = redis.getString("c2");
    first.cancel();
    assert.ok((await rejects(first)) instanceof CancelledError);
    assert.equal(await second, "two");
    assert.equal(await redis.getString("c1"), "one");
  });

  it("reconnects after a server restart, fails what was in flight and replays SELECT and subscriptions", async () => {
    const restartable = await RedisServer.start();
    try {
      const url = `redis://127.0.0.1:${restartable.port}/3`;
      const subscriber = new RedisClient(reactor, url, { retryPolicy: () => 0.05 }).start();
      const redis = new RedisClient(reactor, url, { retryPolicy: () => 0.05 }).start();
      const got: string[] = [];
      await subscriber.subscribe(["room"], (message) => got.push(message.toString()));
      await redis.set("k", "before");
      const first = await redis.whenConnected();
      const inFlight = rejects(redis.command("DEBUG", "SLEEP", "2"));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await restartable.restart();
      const lost = await inFlight;
      assert.ok(lost instanceof RedisConnectionLostError, String(lost));
      const second = await redis.whenConnected();
      assert.notEqual(second, first);
      await redis.set("k", "after");
      const other = new RedisClient(reactor, `redis://127.0.0.1:${restartable.port}/0`).start();
      assert.equal(await other.getString("k"), null, "db 0 is empty: the client wrote to db 3");
      await (await subscriber.whenConnected()).ping();
      await waitFor(() => subscriber.protocol?.subscriptions.channels.includes("room") === true, "resubscribed");
      assert.equal(await redis.publish("room", "back"), 1);
      await waitFor(() => got.length === 1, "a message after the restart");
      assert.deepEqual(got, ["back"]);
      await Promise.all([subscriber.close(), redis.close(), other.close()]);
    } finally {
      await restartable.dispose();
    }
  });
});

describe("RedisClient over a Unix socket", { skip: missing ?? false }, () => {
  it("connects with a unix: description and runs commands", async () => {
    const unixServer = await RedisServer.start({ unix: true });
    const redis = new RedisClient(reactor, unixServer.url, { db: 2 }).start();
    try {
      await redis.set("over-unix", "yes");
      assert.equal(await redis.getString("over-unix"), "yes");
    } finally {
      await redis.close();
      for (const call of reactor.getDelayedCalls()) call.cancel();
      await unixServer.dispose();
    }
  });
});
