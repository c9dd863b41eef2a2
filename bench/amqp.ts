/**
 * AMQP (@torsion/amqp vs amqplib) against one private RabbitMQ node (see RabbitMQNode),
 * both clients in this process, interleaved round by round:
 * - publish with confirms, 1 KiB messages, batches of 1,000 in flight (target >= 1.0x);
 * - consume with manual acks at prefetch 100, 1 KiB messages (target >= 1.0x);
 * - RPC over direct reply-to, one call at a time: p50 / p99 latency (info; lower is better).
 * Each line's note gives the broker's CPU (% of one core) during the Torsion and the
 * amqplib runs, so the reader sees whether the broker was the bottleneck.
 * AMQP_MESSAGES (20,000) per publish/consume run, AMQP_RPC_CALLS (2,000). Skipped without
 * rabbitmq-server. Plus, without a broker: the frame decoder's MB/s on 1 KiB body frames fed
 * in 4 KiB chunks (info). In smoke mode (BENCH_SMOKE=1) only the decoder runs: starting a
 * RabbitMQ node takes up to 30 s, more than the whole smoke budget.
 */
import { readFileSync } from "node:fs";
import amqplib from "amqplib";
import { connectAmqp, FrameDecoder, FRAME_END, FrameType, type AmqpChannel, type AmqpConnection } from "@torsion/amqp";
import { RabbitMQNode, rabbitmqAvailable } from "@torsion/amqp/testing";
import { NodeReactor } from "@torsion/reactor";
import type { BenchContext } from "./lib/context.js";
import { makeResult, sideStats, skipped, type Result } from "./lib/result.js";

type Side = "torsion" | "amqplib";
const BODY = Buffer.alloc(1024, 0x61);
const BATCH = 1000;
const CLK_TCK = 100;

function beamTicks(pid: number | null): number {
  if (pid === null) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Runs `work`, returning its result and the broker's and this process's CPU (% of one core) meanwhile. */
async function withBrokerCpu<T>(node: RabbitMQNode, work: () => Promise<T>): Promise<{ value: T; cpu: number; client: number }> {
  const pid = node.beamPid();
  const t0 = process.hrtime.bigint();
  const c0 = beamTicks(pid);
  const u0 = process.cpuUsage();
  const value = await work();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const u = process.cpuUsage(u0);
  return { value, cpu: ((beamTicks(pid) - c0) / CLK_TCK / seconds) * 100, client: ((u.user + u.system) / 1e6 / seconds) * 100 };
}

async function torsionPublish(ch: AmqpChannel, queue: string, n: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let sent = 0; sent < n; sent += BATCH) {
    const batch = [];
    for (let i = 0; i < BATCH && sent + i < n; i += 1) batch.push(ch.basicPublish("", queue, BODY));
    await Promise.all(batch);
  }
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

async function libPublish(ch: amqplib.ConfirmChannel, queue: string, n: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let sent = 0; sent < n; sent += BATCH) {
    const batch = [];
    for (let i = 0; i < BATCH && sent + i < n; i += 1) {
      batch.push(
        new Promise<void>((resolve, reject) =>
          ch.publish("", queue, BODY, {}, (err: unknown) => (err ? reject(err instanceof Error ? err : new Error("nacked")) : resolve())),
        ),
      );
    }
    await Promise.all(batch);
  }
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

async function torsionConsume(ch: AmqpChannel, queue: string, n: number): Promise<number> {
  await ch.basicQos(100);
  let got = 0;
  const t0 = process.hrtime.bigint();
  let consumerTag = "";
  await new Promise<void>((resolve) => {
    void ch
      .basicConsume(queue, {
        onMessage: (m) => {
          ch.basicAck(m);
          got += 1;
          if (got === n) resolve();
        },
      })
      .addCallback((c) => void (consumerTag = c.consumerTag));
  });
  const rate = n / (Number(process.hrtime.bigint() - t0) / 1e9);
  await ch.basicCancel(consumerTag);
  return rate;
}

async function libConsume(ch: amqplib.Channel, queue: string, n: number): Promise<number> {
  await ch.prefetch(100);
  let got = 0;
  const t0 = process.hrtime.bigint();
  let tag = "";
  await new Promise<void>((resolve) => {
    void ch
      .consume(queue, (m) => {
        if (m === null) return;
        ch.ack(m);
        got += 1;
        if (got === n) resolve();
      })
      .then((ok) => (tag = ok.consumerTag));
  });
  const rate = n / (Number(process.hrtime.bigint() - t0) / 1e9);
  await ch.cancel(tag);
  return rate;
}

function percentiles(samples: number[]): { p50: number; p99: number } {
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(samples.length * 0.5)] ?? 0, p99: samples[Math.floor(samples.length * 0.99)] ?? 0 };
}

async function torsionRpc(connection: AmqpConnection, calls: number): Promise<{ p50: number; p99: number }> {
  const server = await connection.channel();
  const { queue } = await server.queueDeclare("", { exclusive: true });
  await server.basicConsume(queue, {
    noAck: true,
    onMessage: (m) => server.basicPublish("", m.properties.replyTo ?? "", m.body, { correlationId: m.properties.correlationId }),
  });
  const client = await connection.channel();
  let answer: () => void = () => undefined;
  await client.basicConsume("amq.rabbitmq.reply-to", { noAck: true, onMessage: () => answer() });
  const samples: number[] = [];
  for (let i = 0; i < calls; i += 1) {
    const t0 = process.hrtime.bigint();
    await new Promise<void>((resolve) => {
      answer = resolve;
      client.basicPublish("", queue, BODY, { correlationId: String(i), replyTo: "amq.rabbitmq.reply-to" });
    });
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  await server.close();
  await client.close();
  return percentiles(samples);
}

async function libRpc(lib: amqplib.ChannelModel, calls: number): Promise<{ p50: number; p99: number }> {
  const server = await lib.createChannel();
  const { queue } = await server.assertQueue("", { exclusive: true });
  await server.consume(
    queue,
    (m: amqplib.ConsumeMessage | null) =>
      m && server.sendToQueue(m.properties.replyTo as string, m.content, { correlationId: m.properties.correlationId as string }),
    { noAck: true },
  );
  const client = await lib.createChannel();
  let answer: () => void = () => undefined;
  await client.consume("amq.rabbitmq.reply-to", () => answer(), { noAck: true });
  const samples: number[] = [];
  for (let i = 0; i < calls; i += 1) {
    const t0 = process.hrtime.bigint();
    await new Promise<void>((resolve) => {
      answer = resolve;
      client.sendToQueue(queue, BODY, { correlationId: String(i), replyTo: "amq.rabbitmq.reply-to" });
    });
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  await server.close();
  await client.close();
  return percentiles(samples);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const cpuNote = (cpu: Record<Side, number[]>, client: Record<Side, number[]>): string =>
  `broker CPU ${median(cpu.torsion).toFixed(0)}% (Torsion runs) / ${median(cpu.amqplib).toFixed(0)}% (amqplib runs) of one core; client process ${median(client.torsion).toFixed(0)}% / ${median(client.amqplib).toFixed(0)}%`;

/** 1 KiB body frames on channel 1, back to back, `count` of them. */
function bodyFrames(count: number): Buffer {
  const one = Buffer.alloc(8 + BODY.length);
  one.writeUInt8(FrameType.body, 0);
  one.writeUInt16BE(1, 1);
  one.writeUInt32BE(BODY.length, 3);
  BODY.copy(one, 7);
  one.writeUInt8(FRAME_END, 7 + BODY.length);
  return Buffer.concat(Array.from({ length: count }, () => one));
}

/** MB/s of FrameDecoder over `seconds` (whole passes over 4 MiB of frames in 4 KiB chunks). */
function decoderMBps(seconds: number): number {
  const stream = bodyFrames(4096);
  const start = process.hrtime.bigint();
  let bytes = 0;
  let elapsed = 0;
  do {
    const decoder = new FrameDecoder({ frameMax: 131072 });
    let frames = 0;
    for (let at = 0; at < stream.length; at += 4096) {
      decoder.feed(stream.subarray(at, at + 4096));
      while (decoder.next() !== undefined) frames += 1;
    }
    if (frames !== 4096) throw new Error(`frame decoder returned ${frames} frames, expected 4096`);
    bytes += stream.length;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  } while (elapsed < seconds);
  return bytes / elapsed / 1e6;
}

function decoderResult(ctx: BenchContext): Result {
  const seconds = ctx.config.smoke ? 0.1 : 1;
  const xs: number[] = [];
  for (let round = 0; round < ctx.config.rounds; round += 1) xs.push(decoderMBps(seconds));
  return makeResult("amqp", "frame-decode-1k", "MB/s", sideStats(xs, 0), sideStats(xs, 0), null, "in process, 4 KiB chunks; no baseline");
}

export async function runAmqpBench(ctx: BenchContext): Promise<Result[]> {
  const decode = decoderResult(ctx);
  if (ctx.config.smoke)
    return [decode, skipped("amqp", "publish-confirm", "msg/s", null, "smoke mode: no RabbitMQ node (its start takes up to 30 s)")];
  if (!rabbitmqAvailable()) return [decode, skipped("amqp", "publish-confirm", "msg/s", null, "rabbitmq-server missing")];
  return [decode, ...(await runBrokerBench(ctx))];
}

async function runBrokerBench(ctx: BenchContext): Promise<Result[]> {
  const n = Number(process.env.AMQP_MESSAGES ?? "20000");
  const calls = Number(process.env.AMQP_RPC_CALLS ?? "2000");
  ctx.log("amqp: starting a private RabbitMQ node");
  const node = await RabbitMQNode.start();
  const reactor = new NodeReactor({ installSignalHandlers: false });
  const pub: Record<Side, number[]> = { torsion: [], amqplib: [] };
  const con: Record<Side, number[]> = { torsion: [], amqplib: [] };
  const p50: Record<Side, number[]> = { torsion: [], amqplib: [] };
  const p99: Record<Side, number[]> = { torsion: [], amqplib: [] };
  const cpuPub: Record<Side, number[]> = { torsion: [], amqplib: [] };
  const cpuCon: Record<Side, number[]> = { torsion: [], amqplib: [] };
  const cpuRpc: Record<Side, number[]> = { torsion: [], amqplib: [] };
  const cliPub: Record<Side, number[]> = { torsion: [], amqplib: [] };
  const cliCon: Record<Side, number[]> = { torsion: [], amqplib: [] };
  const cliRpc: Record<Side, number[]> = { torsion: [], amqplib: [] };
  try {
    const connection = await connectAmqp(reactor, node.url);
    const lib = await amqplib.connect(node.url);
    const tch = await connection.channel();
    await tch.confirmSelect();
    const lch = await lib.createConfirmChannel();
    const cch = await connection.channel();
    const lcons = await lib.createChannel();
    await tch.queueDeclare("bench.amqp");
    for (let round = 0; round < ctx.config.rounds; round += 1) {
      for (const side of (round % 2 === 0 ? ["torsion", "amqplib"] : ["amqplib", "torsion"]) as Side[]) {
        ctx.log(`amqp round ${round + 1}: ${side}`);
        await tch.queuePurge("bench.amqp");
        const p = await withBrokerCpu(node, () =>
          side === "torsion" ? torsionPublish(tch, "bench.amqp", n) : libPublish(lch, "bench.amqp", n),
        );
        pub[side].push(p.value);
        cpuPub[side].push(p.cpu);
        cliPub[side].push(p.client);
        const c = await withBrokerCpu(node, () =>
          side === "torsion" ? torsionConsume(cch, "bench.amqp", n) : libConsume(lcons, "bench.amqp", n),
        );
        con[side].push(c.value);
        cpuCon[side].push(c.cpu);
        cliCon[side].push(c.client);
        const r = await withBrokerCpu(node, () => (side === "torsion" ? torsionRpc(connection, calls) : libRpc(lib, calls)));
        p50[side].push(r.value.p50);
        p99[side].push(r.value.p99);
        cpuRpc[side].push(r.cpu);
        cliRpc[side].push(r.client);
      }
    }
    await tch.queueDelete("bench.amqp");
    await lib.close();
    await connection.close();
  } catch (error) {
    ctx.fail(`amqp: ${String(error)}`);
  } finally {
    for (const call of reactor.getDelayedCalls()) call.cancel();
    await node.stop();
  }
  const s = (xs: number[]): ReturnType<typeof sideStats> => sideStats(xs, 0);
  return [
    makeResult(
      "amqp",
      "publish-confirm-1k",
      "msg/s",
      s(pub.amqplib),
      s(pub.torsion),
      { op: ">=", value: 1.0 },
      `raw = amqplib; batches of ${BATCH} in flight; ${cpuNote(cpuPub, cliPub)}`,
    ),
    makeResult(
      "amqp",
      "consume-ack-prefetch100-1k",
      "msg/s",
      s(con.amqplib),
      s(con.torsion),
      { op: ">=", value: 1.0 },
      `raw = amqplib; ${cpuNote(cpuCon, cliCon)}`,
    ),
    makeResult(
      "amqp",
      "rpc-p50",
      "us",
      s(p50.amqplib),
      s(p50.torsion),
      null,
      `raw = amqplib; direct reply-to, one call at a time; lower is better; ${cpuNote(cpuRpc, cliRpc)}`,
    ),
    makeResult("amqp", "rpc-p99", "us", s(p99.amqplib), s(p99.torsion), null, "raw = amqplib; lower is better"),
  ];
}
