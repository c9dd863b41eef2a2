// Work queues, the producer: a persistent task on the durable "task_queue" (one second of
// work per dot in the message).
//   AMQP_URL=... node examples/dist/rabbitmq/new-task.js First message....
import { connectAmqp } from "@torsion/amqp";
import { reactor } from "torsion";
import { brokerUrl } from "./broker-url.js";

const message = process.argv.slice(2).join(" ") || "Hello World!";
const connection = await connectAmqp(reactor, brokerUrl);
const channel = await connection.channel();
await channel.queueDeclare("task_queue", { durable: true });
await channel.confirmSelect();
await channel.basicPublish("", "task_queue", message, { deliveryMode: 2 });
console.log(` [x] Sent '${message}'`);
await connection.close();
