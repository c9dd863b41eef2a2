// Publish/subscribe, the emitter: one message to the "logs" fanout exchange.
//   AMQP_URL=... node examples/dist/rabbitmq/emit-log.js [MESSAGE]
import { connectAmqp } from "@torsion/amqp";
import { reactor } from "torsion";
import { brokerUrl } from "./broker-url.js";

const message = process.argv.slice(2).join(" ") || "info: Hello World!";
const connection = await connectAmqp(reactor, brokerUrl);
const channel = await connection.channel();
await channel.exchangeDeclare("logs", "fanout");
await channel.confirmSelect();
await channel.basicPublish("logs", "", message);
console.log(` [x] Sent '${message}'`);
await connection.close();
