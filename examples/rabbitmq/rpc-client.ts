// RPC, the client: asks the server for fib(N) over RabbitMQ's direct reply-to, matching
// answers by correlation id (answers with unknown ids are ignored).
//   AMQP_URL=... node examples/dist/rabbitmq/rpc-client.js [N]
import { randomUUID } from "node:crypto";
import { connectAmqp } from "@torsion/amqp";
import { reactor } from "torsion";
import { brokerUrl } from "./broker-url.js";

const n = Number(process.argv[2] ?? "30");
const connection = await connectAmqp(reactor, brokerUrl);
const channel = await connection.channel();
const correlationId = randomUUID();
let answered: (text: string) => void = () => undefined;
const answer = new Promise<string>((resolve) => (answered = resolve));
// Consume from the pseudo-queue, with no-ack, before publishing.
await channel.basicConsume("amq.rabbitmq.reply-to", {
  noAck: true,
  onMessage: (message) => {
    if (message.properties.correlationId === correlationId) answered(message.body.toString());
  },
});
console.log(` [x] Requesting fib(${n})`);
channel.basicPublish("", "rpc_queue", String(n), { correlationId, replyTo: "amq.rabbitmq.reply-to" });
console.log(` [.] Got ${await answer}`);
await connection.close();
