/**
 * The six RabbitMQ tutorials of examples/rabbitmq, run as child processes against one
 * private broker node (see RabbitMQNode), and cross-checked with amqplib: amqplib
 * producers feed the Torsion consumers and Torsion producers feed amqplib consumers.
 * Without the broker the suite is skipped, and fails under CI=true.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import amqplib from "amqplib";
import { RabbitMQNode, rabbitmqAvailable } from "@torsion/amqp/testing";
import { pathToFileURL } from "node:url";
import { NodeReactor } from "@torsion/reactor";
import { repoRoot, startNode, type Running } from "./helpers/run-node.js";

const available = rabbitmqAvailable();
if (!available && process.env.CI === "true") throw new Error("rabbitmq-server is missing (run scripts/install-test-deps.sh)");
const skip = available ? false : "rabbitmq-server is missing (run scripts/install-test-deps.sh)";
const dir = "examples/dist/rabbitmq";
const running: Running[] = [];

function start(name: string, args: readonly string[] = []): Running {
  const child = startNode(`${dir}/${name}.js`, args);
  running.push(child);
  return child;
}

async function run(name: string, args: readonly string[] = []): Promise<string> {
  const result = await start(name, args).finished(20_000);
  assert.equal(result.code, 0, `${name}: ${result.stderr}`);
  return result.stdout;
}

async function stop(child: Running): Promise<string> {
  child.child.kill("SIGTERM");
  return (await child.finished(10_000)).stdout;
}

describe("the RabbitMQ tutorials", { skip, concurrency: false }, () => {
  let node: RabbitMQNode;
  before(async () => {
    node = await RabbitMQNode.start();
    process.env.AMQP_URL = node.url;
  });
  after(async () => {
    for (const child of running) if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill("SIGKILL");
    await node.stop();
  });

  it("1. hello world: send, and receive prints it", async () => {
    const receiver = start("receive");
    await receiver.waitForLine(/Waiting for messages/, 20_000);
    assert.match(await run("send"), /\[x\] Sent 'Hello World!'/);
    await receiver.waitForLine(/\[x\] Received 'Hello World!'/, 10_000);
    await stop(receiver);
  });

  it("2. work queues: two prefetch-1 workers share persistent tasks and ack each one", async () => {
    process.env.WORK_SECONDS_PER_DOT = "0.05";
    const workers = [start("worker"), start("worker")];
    for (const w of workers) await w.waitForLine(/Waiting for messages/, 20_000);
    for (let i = 0; i < 6; i += 1) await run("new-task", [`task ${i}..`]);
    const deadline = Date.now() + 15_000;
    while (workers.reduce((n, w) => n + (w.output().match(/Done/g)?.length ?? 0), 0) < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const outputs = await Promise.all(workers.map(stop));
    const received = outputs.flatMap((o) => [...o.matchAll(/Received 'task (\d)/g)].map((m) => m[1]));
    assert.deepEqual(received.sort(), ["0", "1", "2", "3", "4", "5"]);
    for (const o of outputs) assert.ok(o.includes('Received'), "both workers got work");
  });

  it("3. publish/subscribe: every receive-logs gets every emit-log message", async () => {
    const receivers = [start("receive-logs"), start("receive-logs")];
    for (const r of receivers) await r.waitForLine(/Waiting for logs/, 20_000);
    await run("emit-log", ["info: fanned out"]);
    for (const r of receivers) await r.waitForLine(/\[x\] info: fanned out/, 10_000);
    await Promise.all(receivers.map(stop));
  });

  it("4. routing: receive-logs-direct gets only its severities", async () => {
    const errors = start("receive-logs-direct", ["error"]);
    await errors.waitForLine(/Waiting for logs/, 20_000);
    await run("emit-log-direct", ["info", "not for you"]);
    await run("emit-log-direct", ["error", "disk full"]);
    await errors.waitForLine(/\[x\] error: 'disk full'/, 10_000);
    assert.doesNotMatch(await stop(errors), /not for you/);
  });

  it("5. topics: receive-logs-topic matches * and #", async () => {
    const kern = start("receive-logs-topic", ["kern.*", "*.critical"]);
    await kern.waitForLine(/Waiting for logs/, 20_000);
    await run("emit-log-topic", ["kern.info", "k1"]);
    await run("emit-log-topic", ["app.critical", "c1"]);
    await run("emit-log-topic", ["kern.disk.info", "no"]);
    await run("emit-log-topic", ["app.warning", "no"]);
    await kern.waitForLine(/app\.critical: 'c1'/, 10_000);
    const out = await stop(kern);
    assert.match(out, /kern\.info: 'k1'/);
    assert.doesNotMatch(out, /'no'/);
  });

  it("6. RPC: rpc-client gets fib(n) from rpc-server", async () => {
    const server = start("rpc-server");
    await server.waitForLine(/Awaiting RPC requests/, 20_000);
    assert.match(await run("rpc-client", ["30"]), /Got 832040/);
    await stop(server);
  });

  it("the consumers export makeService({ reactor, args }) giving a service the runner can start and stop", async () => {
    const reactor = new NodeReactor({ installSignalHandlers: false });
    const lib = await amqplib.connect(node.url);
    try {
      const ch = await lib.createChannel();
      for (const [name, queue] of [["worker", "task_queue"], ["rpc-server", "rpc_queue"], ["receive", "hello"]] as const) {
        const module = (await import(pathToFileURL(`${repoRoot}${dir}/${name}.js`).href)) as { makeService(o: object): { startService(): void; stopService(): PromiseLike<unknown>; whenConnected(): PromiseLike<unknown> } };
        const service = module.makeService({ reactor, args: [], listen: [] });
        service.startService();
        await service.whenConnected();
        assert.equal((await ch.checkQueue(queue)).consumerCount, 1, name);
        await service.stopService();
      }
    } finally {
      await lib.close();
      for (const call of reactor.getDelayedCalls()) call.cancel();
    }
  });

  it("interoperates with amqplib in all six tutorials: amqplib producers feed the Torsion consumers, and back", async () => {
    const lib = await amqplib.connect(node.url);
    try {
      const ch = await lib.createChannel();
      // amqplib send -> Torsion receive (hello world)
      const receiver = start("receive");
      await receiver.waitForLine(/Waiting for messages/, 20_000);
      await ch.assertQueue("hello", { durable: false });
      ch.sendToQueue("hello", Buffer.from("hello from amqplib"));
      await receiver.waitForLine(/Received 'hello from amqplib'/, 10_000);
      await stop(receiver);
      // Torsion emit-log -> amqplib fanout subscriber
      await ch.assertExchange("logs", "fanout", { durable: false });
      const sub = await ch.assertQueue("", { exclusive: true });
      await ch.bindQueue(sub.queue, "logs", "");
      const fanned = new Promise<string>((resolve) => void ch.consume(sub.queue, (m) => {
        if (m !== null) resolve(m.content.toString());
      }, { noAck: true }));
      await run("emit-log", ["fanned to amqplib"]);
      assert.equal(await fanned, "fanned to amqplib");
      // amqplib emit_log_direct -> Torsion receive-logs-direct
      const direct = start("receive-logs-direct", ["warning"]);
      await direct.waitForLine(/Waiting for logs/, 20_000);
      await ch.assertExchange("direct_logs", "direct", { durable: false });
      ch.publish("direct_logs", "info", Buffer.from("skip me"));
      ch.publish("direct_logs", "warning", Buffer.from("from amqplib"));
      await direct.waitForLine(/warning: 'from amqplib'/, 10_000);
      assert.doesNotMatch(await stop(direct), /skip me/);
      // amqplib new_task -> Torsion worker
      const worker = start("worker");
      await worker.waitForLine(/Waiting for messages/, 20_000);
      await ch.assertQueue("task_queue", { durable: true });
      ch.sendToQueue("task_queue", Buffer.from("from amqplib."), { persistent: true });
      await worker.waitForLine(/Received 'from amqplib\.'[\s\S]*Done/, 10_000);
      await stop(worker);
      // Torsion emit-log-topic -> amqplib topic receiver
      await ch.assertExchange("topic_logs", "topic", { durable: false });
      const q = await ch.assertQueue("", { exclusive: true });
      await ch.bindQueue(q.queue, "topic_logs", "lib.#");
      const got = new Promise<string>((resolve) => void ch.consume(q.queue, (m) => m && resolve(`${m.fields.routingKey}: ${m.content.toString()}`), { noAck: true }));
      await run("emit-log-topic", ["lib.x.y", "to amqplib"]);
      assert.equal(await got, "lib.x.y: to amqplib");
      // amqplib RPC client -> Torsion rpc-server
      const server = start("rpc-server");
      await server.waitForLine(/Awaiting RPC requests/, 20_000);
      const replies = await ch.assertQueue("", { exclusive: true });
      const answer = new Promise<string>((resolve) => void ch.consume(replies.queue, (m) => {
        if (m?.properties.correlationId === "lib-1") resolve(m.content.toString());
      }, { noAck: true }));
      ch.sendToQueue("rpc_queue", Buffer.from("20"), { correlationId: "lib-1", replyTo: replies.queue });
      assert.equal(await answer, "6765");
      await stop(server);
      // Torsion rpc-client -> amqplib RPC server
      await ch.assertQueue("rpc_queue", { durable: false });
      await ch.prefetch(1);
      const consumer = await ch.consume("rpc_queue", (m) => {
        if (m === null) return;
        ch.sendToQueue(m.properties.replyTo as string, Buffer.from(`lib:${m.content.toString()}`), { correlationId: m.properties.correlationId as string });
        ch.ack(m);
      });
      assert.match(await run("rpc-client", ["7"]), /Got lib:7/);
      await ch.cancel(consumer.consumerTag);
    } finally {
      await lib.close();
    }
  });
});
