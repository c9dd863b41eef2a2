/**
 * Every scenario against a real RabbitMQ (Debian's rabbitmq-server): one private node on
 * free loopback ports, started once for this file (see RabbitMQNode) and stopped after.
 * Without the broker the suite is skipped, and fails under CI=true.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import amqplib from "amqplib";
import { NodeReactor } from "@torsion/reactor";
import {
  AmqpClient,
  ChannelClosed,
  HeartbeatTimeout,
  MessageReturned,
  connectAmqp,
  type AmqpChannel,
  type AmqpConnection,
  type AmqpMessage,
} from "@torsion/amqp";
import { RabbitMQNode, rabbitmqAvailable } from "@torsion/amqp/testing";

const available = rabbitmqAvailable();
if (!available && process.env.CI === "true") throw new Error("rabbitmq-server is missing (run scripts/install-test-deps.sh)");
const skip = available ? false : "rabbitmq-server is missing (run scripts/install-test-deps.sh)";

const reactor = new NodeReactor({ installSignalHandlers: false });
let node: RabbitMQNode;
const open: AmqpConnection[] = [];

async function connect(query = ""): Promise<AmqpConnection> {
  const c = await connectAmqp(reactor, node.url + query);
  open.push(c);
  return c;
}

async function channel(): Promise<[AmqpConnection, AmqpChannel]> {
  const c = await connect();
  return [c, await c.channel()];
}

function within<T>(ms: number, what: string, promise: PromiseLike<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    Promise.resolve(promise).finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]);
}

/** Collects `n` messages from a consumer on `queue`. */
function collect(ch: AmqpChannel, queue: string, n: number, options: { noAck?: boolean } = {}): Promise<AmqpMessage[]> {
  const got: AmqpMessage[] = [];
  return new Promise((resolve, reject) => {
    ch.basicConsume(queue, {
      noAck: options.noAck ?? true,
      onMessage: (m) => {
        got.push(m);
        if (got.length === n) resolve(got);
      },
    }).addErrback((f) => reject(f.value));
  });
}

describe("@torsion/amqp against RabbitMQ", { skip, concurrency: false }, () => {
  before(async () => {
    node = await RabbitMQNode.start({ tls: true });
  });
  after(async () => {
    for (const c of open) if (c.isOpen) await within(5000, "close", c.close()).catch(() => undefined);
    for (const call of reactor.getDelayedCalls()) call.cancel();
    await node.stop();
  });

  it("declares, binds, unbinds, purges and deletes exchanges and server-named queues", async () => {
    const [, ch] = await channel();
    await ch.exchangeDeclare("t.ops.src", "direct", { autoDelete: false });
    await ch.exchangeDeclare("t.ops.dst", "fanout");
    await ch.exchangeBind("t.ops.dst", "t.ops.src", "k");
    const q = await ch.queueDeclare("", { exclusive: true });
    assert.match(q.queue, /^amq\.gen-/);
    await ch.queueBind(q.queue, "t.ops.dst");
    await ch.basicPublish("t.ops.src", "k", "via e2e");
    await ch.basicPublish("t.ops.src", "other", "dropped");
    const got = await within(5000, "get", (async () => {
      for (;;) {
        const m = await ch.basicGet(q.queue, { noAck: true });
        if (m !== null) return m;
      }
    })());
    assert.equal(got.body.toString(), "via e2e");
    assert.equal(got.exchange, "t.ops.src");
    await ch.basicPublish("", q.queue, "a");
    await ch.basicPublish("", q.queue, "b");
    await within(5000, "queued", (async () => {
      while ((await ch.queueDeclare(q.queue, { passive: true })).messageCount < 2);
    })());
    assert.equal(await ch.queuePurge(q.queue), 2);
    assert.equal(await ch.basicGet(q.queue), null);
    await ch.queueUnbind(q.queue, "t.ops.dst");
    await ch.exchangeUnbind("t.ops.dst", "t.ops.src", "k");
    await ch.exchangeDelete("t.ops.src");
    await ch.exchangeDelete("t.ops.dst");
    assert.equal(await ch.queueDelete(q.queue), 0);
  });

  it("publishes all 14 properties and consumes them back with a server-named consumer tag", async () => {
    const [, ch] = await channel();
    const { queue } = await ch.queueDeclare("", { exclusive: true });
    const properties = {
      contentType: "text/plain",
      contentEncoding: "utf-8",
      headers: { s: "v", n: 42, big: 2n ** 40n, flag: true, list: [1, "x"], nested: { a: 1 } },
      deliveryMode: 2,
      priority: 3,
      correlationId: "corr",
      replyTo: "reply",
      expiration: "60000",
      messageId: "mid",
      timestamp: new Date(1_700_000_000_000),
      type: "kind",
      userId: "guest",
      appId: "torsion-test",
    };
    const body = Buffer.alloc(300_000, 5);
    const receiving = collect(ch, queue, 1, { noAck: false });
    await ch.basicPublish("", queue, body, properties);
    const [m] = await within(10_000, "delivery", receiving);
    assert.ok(m);
    assert.match(m.consumerTag, /^amq\.ctag-/);
    assert.deepEqual(m.body, body);
    assert.deepEqual(m.properties, properties);
    ch.basicAck(m);
  });

  it("acks, nacks and rejects with requeue, cancels a consumer and reports a server-sent cancel", async () => {
    const [, ch] = await channel();
    const { queue } = await ch.queueDeclare("", { exclusive: true });
    await ch.basicPublish("", queue, "one");
    const seen: AmqpMessage[] = [];
    let wake: () => void = () => undefined;
    const consumer = await ch.basicConsume(queue, {
      onMessage: (m) => {
        seen.push(m);
        wake();
      },
    });
    const next = (): Promise<void> => new Promise((r) => (wake = r));
    await within(5000, "first", seen.length > 0 ? Promise.resolve() : next());
    let waiting = next();
    ch.basicNack(seen[0] as AmqpMessage, { requeue: true });
    await within(5000, "after nack", waiting);
    assert.equal(seen[1]?.redelivered, true);
    waiting = next();
    ch.basicReject(seen[1], true);
    await within(5000, "after reject", waiting);
    ch.basicAck(seen[2] as AmqpMessage);
    assert.equal(await ch.basicCancel(consumer.consumerTag), consumer.consumerTag);
    assert.ok(consumer.ended && !consumer.cancelledByBroker);

    const other = await ch.queueDeclare("t.cancel.me");
    const c2 = await ch.basicConsume(other.queue, { noAck: true, onMessage: () => undefined });
    const [, ch2] = await channel();
    await ch2.queueDelete(other.queue);
    assert.equal(await within(5000, "server cancel", c2.whenEnded()), null);
    assert.ok(c2.cancelledByBroker);
  });

  it("iterates a consumer with for await (break cancels it) and recovers its unacked deliveries", async () => {
    const [, ch] = await channel();
    const { queue } = await ch.queueDeclare("", { exclusive: true });
    await ch.confirmSelect();
    await Promise.all(["1", "2", "3"].map((b) => ch.basicPublish("", queue, b)));
    const consumer = await ch.basicConsume(queue);
    const seen: string[] = [];
    await within(5000, "iterate", (async () => {
      for await (const m of consumer) {
        seen.push(m.body.toString());
        if (seen.length === 3) break;
      }
    })());
    assert.deepEqual(seen, ["1", "2", "3"]);
    assert.ok(consumer.ended);
    await ch.basicRecover(true);
    const again = await within(5000, "requeued", (async () => {
      for (;;) {
        const m = await ch.basicGet(queue, { noAck: true });
        if (m !== null) return m;
      }
    })());
    assert.equal(again.redelivered, true);
  });

  it("commits and rolls back transactions", async () => {
    const [, ch] = await channel();
    const { queue } = await ch.queueDeclare("", { exclusive: true });
    await ch.txSelect();
    await ch.basicPublish("", queue, "rolled back");
    await ch.txRollback();
    await ch.basicPublish("", queue, "committed");
    await ch.txCommit();
    const m = await ch.basicGet(queue, { noAck: true });
    assert.equal(m?.body.toString(), "committed");
    assert.equal(await ch.basicGet(queue, { noAck: true }), null);
  });

  it("confirms 10,000 publishes, one Deferred each, and fails a returned mandatory message", async () => {
    const [, ch] = await channel();
    const { queue } = await ch.queueDeclare("", { exclusive: true });
    await ch.confirmSelect();
    const body = Buffer.alloc(100, 1);
    const confirms = [];
    for (let i = 0; i < 10_000; i += 1) confirms.push(ch.basicPublish("", queue, body));
    await within(30_000, "10,000 confirms", Promise.all(confirms));
    assert.equal(ch.unconfirmedCount, 0);
    assert.equal((await ch.queueDeclare(queue, { passive: true })).messageCount, 10_000);
    const returned: string[] = [];
    ch.onReturn = (m) => returned.push(m.routingKey);
    await assert.rejects(ch.basicPublish("", "t.no.such.queue", "x", {}, { mandatory: true }).asPromise(), (e: unknown) => e instanceof MessageReturned && e.replyCode === 312);
    assert.deepEqual(returned, ["t.no.such.queue"]);
  });

  it("fails a queue redeclared with other arguments with a typed PRECONDITION_FAILED and keeps the connection usable", async () => {
    const [c, ch] = await channel();
    await ch.queueDeclare("t.precondition", { durable: false, autoDelete: true });
    const error = await ch.queueDeclare("t.precondition", { durable: true }).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(error instanceof ChannelClosed);
    assert.deepEqual([error.replyCode, error.classId, error.methodId], [406, 50, 10]);
    assert.match(error.replyText, /PRECONDITION_FAILED/);
    assert.ok(c.isOpen);
    const ch2 = await c.channel();
    assert.equal((await ch2.queueDeclare("t.precondition", { passive: true })).queue, "t.precondition");
    await ch2.queueDelete("t.precondition");
  });

  it("redelivers a killed worker's unacked message to another worker with redelivered=true, losing none", async () => {
    const [, setup] = await channel();
    await setup.queueDeclare("t.tasks", { durable: true });
    await setup.queuePurge("t.tasks");
    const [doomed, chA] = await channel();
    await chA.basicQos(1);
    const gotByA = new Promise<AmqpMessage>((resolve) => void chA.basicConsume("t.tasks", { onMessage: resolve }));
    for (let i = 0; i < 5; i += 1) setup.basicPublish("", "t.tasks", `task ${i}`, { deliveryMode: 2 });
    const taken = await within(5000, "worker A's task", gotByA);
    (doomed.transport as unknown as { abortConnection(): void }).abortConnection();
    const [, chB] = await channel();
    await chB.basicQos(1);
    const done: AmqpMessage[] = [];
    await within(10_000, "worker B", new Promise<void>((resolve) => {
      void chB.basicConsume("t.tasks", {
        onMessage: (m) => {
          done.push(m);
          chB.basicAck(m);
          if (done.length === 5) resolve();
        },
      });
    }));
    const redelivered = done.find((m) => m.body.equals(taken.body));
    assert.equal(redelivered?.redelivered, true);
    assert.deepEqual(done.map((m) => m.body.toString()).sort(), [0, 1, 2, 3, 4].map((i) => `task ${i}`));
    await setup.queueDelete("t.tasks");
  });

  it("dispatches fairly with prefetch 1: a fast worker takes more than a slow one", async () => {
    const [, setup] = await channel();
    await setup.queueDeclare("t.fair");
    await setup.queuePurge("t.fair");
    const counts = { slow: 0, fast: 0 };
    let total = 0;
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((r) => (finish = r));
    for (const kind of ["slow", "fast"] as const) {
      const [, ch] = await channel();
      await ch.basicQos(1);
      await ch.basicConsume("t.fair", {
        onMessage: (m) => {
          counts[kind] += 1;
          setTimeout(() => {
            ch.basicAck(m);
            total += 1;
            if (total === 20) finish();
          }, kind === "slow" ? 300 : 5);
        },
      });
    }
    for (let i = 0; i < 20; i += 1) setup.basicPublish("", "t.fair", `m${i}`);
    await within(20_000, "20 tasks", finished);
    assert.ok(counts.slow * 3 <= counts.fast, `slow worker took ${counts.slow}, fast ${counts.fast}`);
    assert.equal(counts.slow + counts.fast, 20);
    await setup.queueDelete("t.fair");
  });

  it("matches topics: * is one word, # zero or more, a.# matches a", async () => {
    const [, ch] = await channel();
    await ch.exchangeDeclare("t.topics", "topic", { autoDelete: true });
    const patterns = ["*.orange.*", "*.*.rabbit", "lazy.#", "a.#", "#"];
    const queues: Record<string, string> = {};
    for (const p of patterns) {
      queues[p] = (await ch.queueDeclare("", { exclusive: true })).queue;
      await ch.queueBind(queues[p], "t.topics", p);
    }
    const keys = ["quick.orange.rabbit", "lazy.orange.elephant", "quick.orange.fox", "lazy.brown.fox", "lazy", "a", "a.b.c", "quick.orange.new.rabbit", "orange"];
    await ch.confirmSelect();
    await Promise.all(keys.map((k) => ch.basicPublish("t.topics", k, k)));
    const got: Record<string, string[]> = {};
    for (const p of patterns) {
      const list: string[] = [];
      got[p] = list;
      for (let m = await ch.basicGet(queues[p] as string, { noAck: true }); m !== null; m = await ch.basicGet(queues[p] as string, { noAck: true })) list.push(m.routingKey);
    }
    assert.deepEqual(got, {
      "*.orange.*": ["quick.orange.rabbit", "lazy.orange.elephant", "quick.orange.fox"],
      "*.*.rabbit": ["quick.orange.rabbit"],
      "lazy.#": ["lazy.orange.elephant", "lazy.brown.fox", "lazy"],
      "a.#": ["a", "a.b.c"],
      "#": keys,
    });
  });

  it("does RPC with correlation ids over direct reply-to, ignoring unknown ids", async () => {
    const [, server] = await channel();
    await server.queueDeclare("t.rpc", { autoDelete: true });
    await server.basicConsume("t.rpc", {
      onMessage: (m) => {
        const reply = String(Number(m.body.toString()) * 2);
        // A stray reply with an unknown id first: the client must ignore it.
        server.basicPublish("", m.properties.replyTo ?? "", "stray", { correlationId: "unknown" });
        server.basicPublish("", m.properties.replyTo ?? "", reply, { correlationId: m.properties.correlationId });
        server.basicAck(m);
      },
    });
    const [, client] = await channel();
    const pending = new Map<string, (value: string) => void>();
    let ignored = 0;
    await client.basicConsume("amq.rabbitmq.reply-to", {
      noAck: true,
      onMessage: (m) => {
        const resolve = pending.get(m.properties.correlationId ?? "");
        if (resolve === undefined) ignored += 1;
        else resolve(m.body.toString());
      },
    });
    const answers = await within(10_000, "rpc", Promise.all([1, 2, 3].map((n) => new Promise<string>((resolve) => {
      pending.set(`id${n}`, resolve);
      client.basicPublish("", "t.rpc", String(n), { correlationId: `id${n}`, replyTo: "amq.rabbitmq.reply-to" });
    }))));
    assert.deepEqual(answers, ["2", "4", "6"]);
    assert.ok(ignored >= 2);
  });

  it("interoperates with amqplib both ways", async () => {
    const lib = await amqplib.connect(node.url);
    try {
      const libCh = await lib.createChannel();
      await libCh.assertQueue("t.interop.in", { autoDelete: false });
      await libCh.assertQueue("t.interop.out", { autoDelete: false });
      const [, ch] = await channel();
      const receiving = collect(ch, "t.interop.in", 3);
      for (const s of ["x", "y", "z"]) libCh.sendToQueue("t.interop.in", Buffer.from(s), { correlationId: s, headers: { n: 1 } });
      const got = await within(5000, "amqplib → torsion", receiving);
      assert.deepEqual(got.map((m) => [m.body.toString(), m.properties.correlationId, m.properties.headers?.n]), [["x", "x", 1], ["y", "y", 1], ["z", "z", 1]]);
      await ch.confirmSelect();
      await ch.basicPublish("", "t.interop.out", "from torsion", { messageId: "t1", deliveryMode: 2, headers: { big: 5n } });
      const libGot = await within(5000, "torsion → amqplib", new Promise<amqplib.ConsumeMessage>((resolve) => {
        void libCh.consume("t.interop.out", (m) => {
          if (m !== null) resolve(m);
        }, { noAck: true });
      }));
      assert.equal(libGot.content.toString(), "from torsion");
      assert.equal(libGot.properties.messageId, "t1");
      await libCh.deleteQueue("t.interop.in");
      await libCh.deleteQueue("t.interop.out");
    } finally {
      await lib.close();
    }
  });

  it("AmqpClient re-declares its topology and resumes its consumers after a dropped connection", async () => {
    const got: AmqpMessage[] = [];
    let wake: () => void = () => undefined;
    const client = new AmqpClient(reactor, node.url, { retryPolicy: () => 0.1 })
      .declare(async (ch) => {
        await ch.queueDeclare("t.client", { exclusive: true });
      })
      .consume("t.client", (m, ch) => {
        got.push(m);
        if (got.length > 1) ch.basicAck(m);
        wake();
      });
    const next = (): Promise<void> => new Promise((r) => (wake = r));
    client.startService();
    try {
      const first = await within(10_000, "connected", client.whenConnected());
      let waiting = next();
      await client.publish("", "t.client", "a");
      await within(5000, "first delivery", waiting);
      (first.transport as unknown as { abortConnection(): void }).abortConnection();
      // The exclusive queue died with the connection: the message is lost with it, and the
      // topology step declares a fresh queue on the new connection.
      const second = await within(10_000, "reconnected", (async () => {
        for (;;) {
          const c = await client.whenConnected();
          if (c !== first) return c;
          await new Promise((r) => setTimeout(r, 50));
        }
      })());
      assert.ok(second.isOpen);
      waiting = next();
      await client.publish("", "t.client", "b");
      await within(5000, "delivery after reconnect", waiting);
      assert.deepEqual(got.map((m) => m.body.toString()), ["a", "b"]);
    } finally {
      await within(5000, "stop", client.stopService());
    }
  });

  it("connects over amqps:// with Torsion's TLS, verifying the broker's certificate", async () => {
    const c = await connectAmqp(reactor, node.tlsUrl ?? "");
    open.push(c);
    const ch = await c.channel();
    const { queue } = await ch.queueDeclare("", { exclusive: true });
    await ch.confirmSelect();
    await ch.basicPublish("", queue, "over tls");
    assert.equal((await ch.basicGet(queue, { noAck: true }))?.body.toString(), "over tls");
    await c.close();
    const untrusted = await connectAmqp(reactor, `amqps://guest:guest@localhost:${node.tlsPort ?? 0}/`).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(untrusted instanceof Error, "a certificate from an unknown CA is refused");
  });

  it("stops deliveries while a consumer is paused (prefetch bounds what it holds) and resumes them", async () => {
    const [, ch] = await channel();
    const { queue } = await ch.queueDeclare("", { exclusive: true });
    await ch.basicQos(5);
    const handled: AmqpMessage[] = [];
    const consumer = await ch.basicConsume(queue, { onMessage: (m) => handled.push(m) });
    consumer.pauseProducing();
    await ch.confirmSelect();
    await Promise.all(Array.from({ length: 20 }, (_, i) => ch.basicPublish("", queue, `m${i}`)));
    await within(5000, "prefetch filled", (async () => {
      while (consumer.heldCount < 5) await new Promise((r) => setTimeout(r, 20));
    })());
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(handled.length, 0);
    assert.equal(consumer.heldCount, 5, "the broker sends no more than the prefetch");
    consumer.resumeProducing();
    assert.equal(handled.length, 5);
    let acked = 0;
    await within(5000, "the other 15 after acks", (async () => {
      while (acked < 20) {
        const batch = handled.splice(0);
        for (const m of batch) ch.basicAck(m);
        acked += batch.length;
        if (batch.length === 0) await new Promise((r) => setTimeout(r, 10));
      }
    })());
    assert.equal(acked, 20);
  });

  it("pauses registered publishers while the broker blocks the connection (memory alarm) and resumes them", async () => {
    const c = await connect();
    const events: string[] = [];
    c.registerPublisher({ pauseProducing: () => events.push("pause"), resumeProducing: () => events.push("resume"), stopProducing: () => undefined });
    const ch = await c.channel();
    await node.ctl(["set_vm_memory_high_watermark", "0.000001"]);
    try {
      // RabbitMQ blocks a connection when it next publishes during the alarm.
      ch.basicPublish("", "t.none", "x");
      await within(15_000, "connection.blocked", (async () => {
        while (!c.blocked) await new Promise((r) => setTimeout(r, 50));
      })());
      assert.deepEqual(events, ["pause"]);
      assert.ok(c.blockedReason !== null);
    } finally {
      await node.ctl(["set_vm_memory_high_watermark", "0.4"]);
    }
    await within(15_000, "connection.unblocked", c.whenUnblocked());
    assert.deepEqual(events, ["pause", "resume"]);
  });

  it("closes gracefully, failing later calls", async () => {
    const [c, ch] = await channel();
    await within(5000, "close", c.close());
    assert.equal(await c.whenClosed(), null);
    assert.throws(() => ch.basicPublish("", "x", "y"));
  });

  it("detects a stalled broker by missed heartbeats (SIGSTOP), within a bound", async () => {
    const c = await connect("?heartbeat=1");
    assert.equal(c.tuneParameters.heartbeat, 1);
    const started = Date.now();
    node.signal("SIGSTOP");
    try {
      const reason = await within(8000, "heartbeat timeout", c.whenClosed());
      assert.ok(reason instanceof HeartbeatTimeout, String(reason));
      assert.ok(Date.now() - started < 6000, "detected within 2 to 3 intervals (plus scheduling slack)");
    } finally {
      node.signal("SIGCONT");
    }
  });

  it("keeps a durable queue's persistent messages across a broker restart", async () => {
    const [, ch] = await channel();
    await ch.queueDeclare("t.durable", { durable: true });
    await ch.queuePurge("t.durable");
    await ch.confirmSelect();
    await ch.basicPublish("", "t.durable", "persistent", { deliveryMode: 2 });
    await ch.basicPublish("", "t.durable", "transient", { deliveryMode: 1 });
    await node.halt();
    await node.boot();
    const [, after2] = await channel();
    const m = await after2.basicGet("t.durable", { noAck: true });
    assert.equal(m?.body.toString(), "persistent");
    assert.equal(await after2.basicGet("t.durable", { noAck: true }), null);
    await after2.queueDelete("t.durable");
  });
});
