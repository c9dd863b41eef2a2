/**
 * MemCacheProtocol against a real memcached (started per suite by memcached-server.ts on a
 * free loopback port or a temp-dir Unix socket).
 */
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { ClientService, backoffPolicy } from "@torsion/application";
import { ConnectionDone, ConnectionLost, Factory, type IReactorTime } from "@torsion/core";
import type { Deferred } from "@torsion/defer";
import { clientFromString, connectProtocol } from "@torsion/endpoints";
import { ClientError, MemCacheProtocol } from "@torsion/memcache";
import { NodeReactor } from "@torsion/reactor";
import { MemcachedServer, memcachedMissing } from "./memcached-server.js";

const missing = memcachedMissing();
const reactor = new NodeReactor({ installSignalHandlers: false });
const b = (text: string): Buffer => Buffer.from(text, "latin1");
const wait = <T>(deferred: Deferred<T>): Promise<T> => deferred.asPromise();

async function connect(server: MemcachedServer, clock: IReactorTime = reactor): Promise<MemCacheProtocol> {
  const protocol = new MemCacheProtocol({ clock, timeOut: 10 });
  return wait(connectProtocol(clientFromString(reactor, server.description), protocol));
}

function closeAll(protocols: MemCacheProtocol[]): void {
  for (const protocol of protocols) protocol.transport?.loseConnection();
}

describe("MemCacheProtocol against a real memcached over TCP", { skip: missing ?? false }, () => {
  let server: MemcachedServer;
  const open: MemCacheProtocol[] = [];
  before(async () => {
    server = await MemcachedServer.start({ args: ["-I", "2m"] });
  });
  after(async () => {
    closeAll(open);
    await server.stop();
  });
  const client = async (): Promise<MemCacheProtocol> => {
    const protocol = await connect(server);
    open.push(protocol);
    return protocol;
  };

  it("answers every command with Twisted's result shapes", async () => {
    const mc = await client();
    assert.equal(await wait(mc.flushAll()), true);
    assert.equal(await wait(mc.set(b("k1"), b("v1"), 7, 0)), true);
    assert.deepEqual(await wait(mc.get(b("k1"))), [7, b("v1")]);
    assert.deepEqual(await wait(mc.get(b("absent"))), [0, null]);
    const [flags, cas, value] = await wait(mc.get(b("k1"), true));
    assert.equal(flags, 7);
    assert.match(cas.toString(), /^\d+$/);
    assert.deepEqual(value, b("v1"));
    assert.deepEqual(await wait(mc.get(b("absent"), true)), [0, Buffer.alloc(0), null]);
    assert.equal(await wait(mc.add(b("k1"), b("x"))), false);
    assert.equal(await wait(mc.add(b("k2"), b("two"))), true);
    assert.equal(await wait(mc.replace(b("k3"), b("x"))), false);
    assert.equal(await wait(mc.replace(b("k2"), b("2"))), true);
    assert.equal(await wait(mc.append(b("k2"), b("b"))), true);
    assert.equal(await wait(mc.prepend(b("k2"), b("a"))), true);
    assert.equal(await wait(mc.append(b("k3"), b("x"))), false);
    assert.deepEqual(await wait(mc.get(b("k2"))), [0, b("a2b")]);
    assert.equal(await wait(mc.checkAndSet(b("k1"), b("new"), cas)), true);
    assert.equal(await wait(mc.checkAndSet(b("k1"), b("newer"), cas)), false, "EXISTS");
    assert.equal(await wait(mc.checkAndSet(b("k9"), b("x"), cas)), false, "NOT_FOUND");
    assert.equal(await wait(mc.set("counter", b("10"))), true);
    assert.equal(await wait(mc.increment("counter", 5)), 15n);
    assert.equal(await wait(mc.decrement("counter", 20)), 0n, "decr stops at 0");
    assert.equal(await wait(mc.increment("counter", 2n ** 64n - 1n)), 2n ** 64n - 1n);
    assert.equal(await wait(mc.increment("counter")), 0n, "incr wraps at 2^64");
    assert.equal(await wait(mc.increment(b("nothing"))), false);
    await assert.rejects(
      wait(mc.increment(b("k2"))),
      (error: unknown) => error instanceof ClientError && error.message.includes("non-numeric"),
    );
    const many = await wait(mc.getMultiple([b("k1"), b("absent"), b("k2")]));
    assert.deepEqual(
      [...many.values()],
      [
        [0, b("new")],
        [0, null],
        [0, b("a2b")],
      ],
    );
    assert.equal(await wait(mc.delete(b("k1"))), true);
    assert.equal(await wait(mc.delete(b("k1"))), false);
    const stats = await wait(mc.stats());
    assert.match(stats.get("pid") ?? "", /^\d+$/);
    const settings = await wait(mc.stats("settings"));
    assert.equal(settings.get("item_size_max"), String(2 * 1024 * 1024));
    assert.match(await wait(mc.version()), /^\d+\.\d+/);
  });

  it("lets exactly one of two connections win a cas race", async () => {
    const [one, two] = [await client(), await client()];
    await wait(one.set(b("race"), b("start")));
    const [, casOne] = await wait(one.get(b("race"), true));
    const [, casTwo] = await wait(two.get(b("race"), true));
    assert.deepEqual(casOne, casTwo);
    const results = await Promise.all([
      wait(one.checkAndSet(b("race"), b("one"), casOne)),
      wait(two.checkAndSet(b("race"), b("two"), casTwo)),
    ]);
    const winner = results[0] ? "one" : "two";
    assert.deepEqual([...results].sort(), [false, true]);
    assert.deepEqual((await wait(one.get(b("race"))))[1], b(winner));
  });

  it("stores binary values holding CR, LF and reply lookalikes unchanged", async () => {
    const mc = await client();
    const tricky = Buffer.concat([
      b("\r\nEND\r\nVALUE other 0 1\r\nSTORED\r\n"),
      Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
      b("\r\n"),
    ]);
    assert.equal(await wait(mc.set(b("binary"), tricky, 0xffffffff)), true);
    assert.deepEqual(await wait(mc.get(b("binary"))), [0xffffffff, tricky]);
    assert.equal(await wait(mc.set(b("empty"), Buffer.alloc(0))), true);
    assert.deepEqual(await wait(mc.get(b("empty"))), [0, Buffer.alloc(0)]);
  });

  it("round-trips a 1 MiB value", async () => {
    const mc = await client();
    const big = randomBytes(1024 * 1024);
    assert.equal(await wait(mc.set(b("big"), big)), true);
    const [, value] = await wait(mc.get(b("big")));
    assert.ok(value?.equals(big) === true);
  });

  it("sees an item expire on memcached's own clock", async () => {
    const mc = await client();
    assert.equal(await wait(mc.set(b("short"), b("lived"), 0, 1)), true);
    assert.deepEqual((await wait(mc.get(b("short"))))[1], b("lived"));
    const deadline = Date.now() + 4000;
    let value: Buffer | null = b("lived");
    while (value !== null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      [, value] = await wait(mc.get(b("short")));
    }
    assert.equal(value, null, "expired within 4 s");
  });

  it("matches 10,000 pipelined commands to their replies in order", async () => {
    const mc = await client();
    const pending: Deferred<unknown>[] = [];
    for (let i = 0; i < 5000; i += 1) {
      pending.push(mc.set(`p${i}`, b(`value-${i}`)));
      pending.push(mc.get(`p${i}`));
    }
    assert.ok(mc.pendingCount > 100, "the commands really were in flight together");
    const results = await Promise.all(pending.map(wait));
    for (let i = 0; i < 5000; i += 1) {
      assert.equal(results[2 * i], true);
      assert.deepEqual(results[2 * i + 1], [0, b(`value-${i}`)]);
    }
  });

  it("refuses keys memcached cannot carry without sending anything", async () => {
    const mc = await client();
    await assert.rejects(wait(mc.set(b("a\r\nflush_all"), b("v"))), { name: "InvalidKeyError" });
    await assert.rejects(wait(mc.delete("has space")), { name: "InvalidKeyError" });
    await assert.rejects(wait(mc.get("x".repeat(251))), { name: "InvalidKeyError" });
    await assert.rejects(wait(mc.set(b("k"), "text" as unknown as Buffer)), { name: "InvalidArgumentError" });
    assert.equal(mc.pendingCount, 0);
    assert.equal(await wait(mc.set("x".repeat(250), b("ok"))), true);
  });
});

describe("MemCacheProtocol against a real memcached over a Unix socket", { skip: missing ?? false }, () => {
  let server: MemcachedServer;
  before(async () => {
    server = await MemcachedServer.start({ unix: true });
  });
  after(() => server.stop());

  it("stores and reads back", async () => {
    const mc = await connect(server);
    try {
      assert.equal(await wait(mc.set(b("unix"), b("socket"))), true);
      assert.deepEqual(await wait(mc.getMultiple([b("unix"), b("none")], true)).then((m) => [...m.values()].map((r) => r[2])), [
        b("socket"),
        null,
      ]);
    } finally {
      mc.transport?.loseConnection();
    }
  });
});

describe("a memcached killed mid-pipeline", { skip: missing ?? false }, () => {
  it("fails every pending command with the connection's loss, and ClientService reconnects to the restarted server", async () => {
    let server = await MemcachedServer.start();
    const port = server.port as number;
    const factory = new (class extends Factory<MemCacheProtocol> {
      override buildProtocol(): MemCacheProtocol {
        return new MemCacheProtocol({ clock: reactor, timeOut: 10 });
      }
    })();
    const service = new ClientService<MemCacheProtocol>(clientFromString(reactor, server.description), factory, {
      clock: reactor,
      retryPolicy: backoffPolicy({ initialDelay: 0.05, factor: 1.5, maxDelay: 0.2, jitter: () => 0 }),
    });
    service.startService();
    try {
      const first = await wait(service.whenConnected());
      // 10,000 gets of a 16 KiB value: memcached cannot write 160 MiB of replies at once, so
      // most are still pending when it is killed, on the first reply.
      assert.equal(await wait(first.set(b("before"), randomBytes(16 * 1024))), true);
      const outcomes: Promise<unknown>[] = [];
      const kill: { done: Promise<void> | null } = { done: null };
      for (let i = 0; i < 10000; i += 1) {
        const reply = first.get(b("before"));
        if (i === 0) reply.addCallback((result) => ((kill.done = server.kill()), result));
        outcomes.push(
          wait(reply).then(
            () => "ok",
            (error: unknown) => error,
          ),
        );
      }
      const settled = await Promise.all(outcomes);
      await kill.done;
      const failures = settled.filter((outcome) => outcome !== "ok");
      assert.ok(failures.length > 0, "some commands were still pending when the server died");
      // SIGKILL makes the kernel close memcached's socket: a reset (ConnectionLost) when
      // requests were still unread, a FIN (ConnectionDone) when it had read them all.
      const kinds = new Set(failures.map((failure) => (failure as Error).constructor));
      assert.equal(kinds.size, 1, "every pending command fails with the same reason");
      for (const failure of failures) assert.ok(failure instanceof ConnectionLost || failure instanceof ConnectionDone, String(failure));
      assert.equal(first.pendingCount, 0);
      await assert.rejects(wait(first.get(b("before"))), { name: "MemcacheNotConnectedError" });
      server = await MemcachedServer.start({ port });
      const second = await wait(service.whenConnected());
      assert.notEqual(second, first);
      assert.deepEqual(await wait(second.get(b("before"))), [0, null], "a fresh server");
      assert.equal(await wait(second.set(b("after"), b("restart"))), true);
    } finally {
      await wait(service.stopService());
      await server.stop();
    }
  });
});
