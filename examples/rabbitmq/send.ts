// Hello world, the sender: puts one message on the "hello" queue.
//   AMQP_URL=amqp://guest:guest@127.0.0.1:5672/ node examples/dist/rabbitmq/send.js [MESSAGE]
import { connectAmqp } from "@torsion/amqp";
import { reactor } from "torsion";
import { brokerUrl } from "./broker-url.js";

const message = process.argv.slice(2).join(" ") || "Hello World!";
const connection = await connectAmqp(reactor, brokerUrl);
const channel = await connection.channel();
await channel.queueDeclare("hello");
await channel.confirmSelect();
await channel.basicPublish("", "hello", message);
console.log(` [x] Sent '${message}'`);
await connection.close();
